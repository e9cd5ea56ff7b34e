import { CancellationScope, isCancellation, log } from '@temporalio/workflow';
import type { RunState } from '../run-state';
import { rootMessage } from '../root-message';
import { report } from './report';

/**
 * A run that fails or is cancelled still ends consistent, with a report and
 * a final stage, then fails or cancels in Temporal as it would have: a
 * release that started compensates itself (rolls back, rejects), so it is
 * waited for; a registered version that no release took is rejected, so
 * it can never become a champion. None of this can be cancelled.
 */
export async function endedEarly(run: RunState, error: unknown): Promise<never> {
  const isCancelled = isCancellation(error);
  const why = isCancelled ? 'the run was cancelled' : `the run failed: ${rootMessage(error)}`;
  await CancellationScope.nonCancellable(async () => {
    if (run.releaseResult) {
      // The release compensates itself; its last word says what it left.
      const ended = await run.releaseResult.catch(() => undefined);
      if (ended) run.release = ended.release;
      const status = run.release?.versionStatus;
      if (run.modelVersion && status) run.modelVersion = { ...run.modelVersion, status };
    } else {
      await rejectUnreleased(run, why);
    }
    run.reason = run.release?.compensationFailure
      ? `${why}; ${run.release.compensationFailure}`
      : why;
    // A run nobody proven started did nothing, and writes nothing either.
    if (!run.startedBy) return;
    try {
      await report(run, isCancelled ? 'cancelled' : 'failed');
    } catch (reportError) {
      log.error('the report of a run that ended early could not be written', {
        error: rootMessage(reportError),
      });
    }
  });
  throw error;
}

/** Rejects the run's version if it is registered and still undecided or approved but never released. */
async function rejectUnreleased(run: RunState, why: string): Promise<void> {
  const model = run.modelVersion;
  if (!model || model.status === 'Rejected') return;
  const when =
    model.status === 'PendingManualApproval'
      ? 'while it waited for a decision'
      : 'before its release started';
  try {
    run.modelVersion = await run.activities.setModelStatus({
      group: model.group,
      version: model.version,
      status: 'Rejected',
      by: 'ferry',
      reason: `${why} ${when}`,
      trail: run.desk.trail,
      backend: run.backend,
    });
  } catch (rejectError) {
    run.release = {
      ...run.release,
      compensationFailure: `rejecting ${model.group} v${model.version} failed: ${rootMessage(rejectError)} (ferry reconcile repairs it)`,
    };
  }
}
