import {
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  sleep,
  startChild,
  WorkflowIdReusePolicy,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
// The workflow package does not re-export it; the common package is sandbox-safe.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  RELEASE_HOLDER_MEMO,
  releaseWorkflowIdOf,
  type ReleaseInput,
} from '../release-definitions';
import { releaseWorkflow } from '../release/release-workflow';
import type { RunState } from '../run-state';

/** How often a run that waits for its endpoint asks again: soon at first, then every half minute. */
const FIRST_WAIT_MS = 2_000;
const LONGEST_WAIT_MS = 30_000;

/**
 * Starts this run's release workflow once the endpoint is free. The
 * workflow's id names the endpoint, and Temporal refuses a second open
 * workflow with one id, so the server itself keeps two runs from writing
 * one endpoint; while another release holds it, the run waits, showing
 * `waiting-for-endpoint` and whom it waits for. The release is asked to
 * cancel if this run closes in any way (terminated included), so it
 * compensates instead of leaving a half-release behind, and a cancelled
 * run waits for that compensation to finish.
 */
export async function holdEndpoint(
  run: RunState,
  input: ReleaseInput,
): Promise<ChildWorkflowHandle<typeof releaseWorkflow>> {
  const workflowId = releaseWorkflowIdOf(input.backend, input.endpoint);
  for (let waitMs = FIRST_WAIT_MS; ; waitMs = Math.min(LONGEST_WAIT_MS, waitMs * 2)) {
    try {
      return await startChild(releaseWorkflow, {
        workflowId,
        args: [input],
        memo: { [RELEASE_HOLDER_MEMO]: `run ${run.runId}` },
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    const holder = await run.activities.endpointHolder({ workflowId });
    if (holder) {
      run.release = {
        waitingFor: {
          endpoint: input.endpoint,
          holder,
          since: run.release?.waitingFor?.since ?? new Date().toISOString(),
        },
      };
      run.setStage('waiting-for-endpoint');
    }
    await sleep(waitMs);
  }
}
