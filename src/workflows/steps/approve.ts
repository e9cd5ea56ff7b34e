import { policySource } from '../approval-rules';
import type { Verdict } from '../decision-desk';
import type { RegisteredModel } from '../definitions';
import type { RunState } from '../run-state';

export type VerdictName = Verdict['verdict'];

/**
 * Step 5: wait for verified decisions under the policy in force (a quorum
 * of approvals, or one eligible rejection) or the approval timeout, and
 * record them in the registry: the hash-chained trail, then Approved before
 * anything is deployed, or Rejected.
 */
export function approve(run: RunState, model: RegisteredModel): Promise<VerdictName> {
  const policy = run.policy;
  if (!policy) throw new Error('the approve step needs the policy the register step resolved');
  return run.step(
    'approve',
    async () => {
      run.isDecisionAsked = true;
      const outcome = await run.desk.awaitDecision(
        { model, policy, startedBy: run.startedBy },
        policy.timeoutMs,
      );
      run.modelVersion = await run.activities.setModelStatus({
        group: model.group,
        version: model.version,
        ...statusOf(outcome),
        trail: run.desk.trail,
        backend: run.backend,
      });
      return outcome.verdict;
    },
    (verdict) => ({
      note: `${verdict === 'expired' ? 'approval expired' : verdict} under ${policySource(policy)}`,
    }),
  );
}

function statusOf(outcome: Verdict) {
  switch (outcome.verdict) {
    case 'approved':
      return {
        status: 'Approved' as const,
        by: outcome.approvedBy.join(', '),
        reason: outcome.messages.join(' / ') || 'approved',
      };
    case 'rejected':
      return { status: 'Rejected' as const, by: outcome.rejectedBy, reason: outcome.message };
    case 'expired':
      return { status: 'Rejected' as const, by: 'ferry', reason: 'approval expired' };
  }
}
