import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { RegisteredModel } from '../definitions';
import { deploymentIdOf, type RollbackSummary } from '../release-definitions';
import type { RunState } from '../run-state';

/** Puts back what the endpoint served before this run's deployment. */
export function rollBack(
  run: RunState,
  endpoint: string,
  model: RegisteredModel,
  reason: string,
): Promise<RollbackSummary> {
  return run.activities.rollbackEndpoint({
    runId: run.runId,
    endpoint,
    deploymentId: deploymentIdOf(run.runId),
    model: { group: model.group, version: model.version },
    reason,
    backend: run.backend,
  });
}

/**
 * Runs a release step so that nothing is left half-deployed: if it fails, or
 * the run is cancelled, the endpoint is rolled back (in a scope a
 * cancellation cannot stop) and the failure goes on.
 */
export async function rolledBackOnFailure<T>(
  run: RunState,
  endpoint: string,
  model: RegisteredModel,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const why = isCancellation(error) ? 'the run was cancelled' : 'a release step failed';
    await CancellationScope.nonCancellable(() =>
      rollBack(run, endpoint, model, `${why} before the load test passed`),
    );
    throw error;
  }
}
