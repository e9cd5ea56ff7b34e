import { parseDurationMs } from '../../config/duration';
import { pastTense } from '../approval-rules';
import type { RegisteredModel } from '../definitions';
import type { RunState } from '../run-state';

const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;

export type Verdict = 'approved' | 'rejected' | 'expired';

/**
 * Step 5: wait for a person's decision, or the approval timeout, and record
 * it in the registry: Approved before anything is deployed; a rejection or
 * an expiry rejects the version.
 */
export function approve(run: RunState, model: RegisteredModel): Promise<Verdict> {
  const { config } = run;
  return run.step(
    'approve',
    async () => {
      run.isDecisionAsked = true;
      const decision = await run.desk.awaitDecision(
        parseDurationMs(config.approval.timeout) ?? SEVEN_DAYS_MS,
      );
      const isApproved = decision?.action === 'approve';
      run.modelVersion = await run.activities.setModelStatus({
        group: model.group,
        version: model.version,
        status: isApproved ? 'Approved' : 'Rejected',
        by: decision?.approver ?? 'ferry',
        reason: decision ? decision.message || pastTense(decision.action) : 'approval expired',
        backend: run.backend,
      });
      return decision ? pastTense(decision.action) : 'expired';
    },
    (verdict) => ({ note: verdict === 'expired' ? 'approval expired' : verdict }),
  );
}
