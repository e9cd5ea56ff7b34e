import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { LoadProgress } from '../loadtest/load-types';
import { formatMs } from '../text/numbers';

/**
 * The running load test's latest heartbeat, read from the pending activity
 * of the run's release workflow: workflows never see heartbeats, the server
 * keeps them.
 */
export async function readLoadTestProgress(
  handle: WorkflowHandle,
): Promise<LoadProgress | undefined> {
  // The load test runs in the run's release workflow, its child that holds the endpoint.
  const release = (await handle.describe()).raw.pendingChildren?.find(
    (child) => child.workflowTypeName === 'releaseWorkflow',
  );
  if (!release?.workflowId) return undefined;
  const { raw } = await handle.client
    .getHandle(release.workflowId, release.runId ?? undefined)
    .describe();
  const loadTest = raw.pendingActivities?.find(
    (activity) => activity.activityType?.name === 'loadTestEndpoint',
  );
  const payload = loadTest?.heartbeatDetails?.payloads?.[0];
  if (!payload) return undefined;
  const details: unknown = defaultPayloadConverter.fromPayload(payload);
  return isLoadProgress(details) ? details : undefined;
}

function isLoadProgress(details: unknown): details is LoadProgress {
  return (
    typeof details === 'object' &&
    details !== null &&
    'elapsedMs' in details &&
    'totalMs' in details &&
    'sent' in details
  );
}

export function formatLoadProgress(progress: LoadProgress): string {
  const elapsed = Math.min(progress.elapsedMs, progress.totalMs) / 1000;
  return (
    `load test (${progress.phase}): ${elapsed.toFixed(0)}/${(progress.totalMs / 1000).toFixed(0)} s, ` +
    `${progress.sent} sent, ${progress.errors} errors, p99 ${formatMs(progress.p99Ms)}`
  );
}
