import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { FAILURE } from '../../shared/failure-types';
import type { RunState } from '../run-state';

/**
 * Who started the run, proven: the start credential must verify, bound to
 * this run id and this exact pipeline file, as of the moment the server
 * started the run (so a run queued while workers were down still starts).
 * Without that, the run does nothing: its starter would be a name anybody
 * with access to the namespace could type.
 */
export async function authenticateStarter(run: RunState): Promise<void> {
  const check = await run.activities.verifyCredential({
    credential: run.startCredential,
    expected: { action: 'start', runId: run.runId, group: run.config.modelGroup },
    config: run.config,
    presentedAt: workflowInfo().runStartTime.toISOString(),
  });
  if (!check.ok) {
    throw ApplicationFailure.nonRetryable(
      `the run's start credential was refused: ${check.reason}; start runs with \`ferry run\` or POST /runs`,
      FAILURE.unauthenticated,
    );
  }
  run.startedBy = check.subject;
}
