import { ApplicationFailure } from '@temporalio/workflow';
import type { ChosenModel } from '../../evaluation/select';
import { unsatisfiableBecause, type PolicyInForce } from '../../policy/policy-in-force';
import { FAILURE } from '../../shared/failure-types';
import type { PreparedData, RegisteredModel } from '../definitions';
import type { RunState } from '../run-state';
import { requireRunRights } from './run-rights';

/**
 * Step 4: the winner becomes a new version of the model group,
 * PendingManualApproval, with the approval policy in force recorded beside
 * it. The starter's rights and the policy are read again here, so a policy
 * an admin changed while the run trained governs it; a run whose starter
 * lost the right, or whose policy nobody could satisfy, registers nothing.
 */
export function register(
  run: RunState,
  data: PreparedData,
  winner: ChosenModel,
): Promise<RegisteredModel> {
  const { config } = run;
  return run.step(
    'register',
    async () => {
      await requireRunRights(run);
      const policy = await policyInForce(run);
      const { model } = await run.activities.registerModel({
        runId: run.runId,
        group: config.modelGroup,
        winner,
        protocol: data.protocol,
        datasetFingerprint: data.fingerprint,
        config,
        startedBy: run.startedBy,
        policy,
        backend: run.backend,
      });
      run.modelVersion = model;
      run.policy = policy;
      return model;
    },
    (model) => ({
      note: `${model.group} version ${model.version}, ${model.status}; ${run.policy?.approvals ?? 1} approval(s) needed`,
    }),
  );
}

/** The policy a decision on this run will be taken under; fails the run when no quorum is possible. */
export async function policyInForce(run: RunState): Promise<PolicyInForce> {
  const policy = await run.activities.resolveApprovalPolicy({
    group: run.config.modelGroup,
    approval: run.config.approval,
    backend: run.backend,
  });
  const problem = unsatisfiableBecause(policy, run.startedBy);
  if (problem) throw ApplicationFailure.nonRetryable(problem, FAILURE.approvalPolicy);
  return policy;
}
