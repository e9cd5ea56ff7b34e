import { temporal } from '@temporalio/proto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { PipelineConfig } from '../../src/config/pipeline-schema';
import type { trainingPipeline } from '../../src/workflows/pipeline';
import { sendDecision, waitForStage } from '../../src/temporal/run-control';
import type { DecisionAction } from '../../src/workflows/approval-rules';
import type { PipelineResult } from '../../src/workflows/definitions';
import { person, startRunAs } from '../fixtures/people';
import { waitUntil } from './fault-kit';

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** The worker a fault test's run goes to: its task queue, and the home whose API issuer it trusts. */
export interface RunTarget {
  home: string;
  taskQueue: string;
}

/** Starts a pipeline run as carol (who is not among the fault pipelines' approvers). */
export async function startRun(
  client: Client,
  target: RunTarget,
  workflowId: string,
  config: PipelineConfig,
  startedBy = 'carol',
): Promise<WorkflowHandle<typeof trainingPipeline>> {
  return startRunAs(client, await person(target.home, startedBy), {
    taskQueue: target.taskQueue,
    workflowId,
    config,
  });
}

/** Approves (or rejects) as alice, the fault pipelines' approver; a refusal fails the test. */
export async function decideAsAlice(
  handle: WorkflowHandle,
  home: string,
  action: DecisionAction,
  message: string,
): Promise<void> {
  const outcome = await sendDecision(handle, action, await person(home, 'alice'), message);
  if (!outcome.isAccepted)
    throw new Error(`${handle.workflowId}: ${action} refused: ${outcome.reason}`);
}

export interface RunningActivity {
  attempt: number;
}

/**
 * Waits until an activity of `activityType` is truly under way in a worker:
 * started, and (when `needsHeartbeat`) heartbeating, which only code running
 * inside the activity does. Killing the worker then lands mid-activity, not
 * between steps. `minAttempt` skips an attempt already seen (a killed one
 * stays "started" on the server until its heartbeat times out).
 */
export function waitForRunningActivity(
  handle: WorkflowHandle,
  activityType: string,
  options: { needsHeartbeat?: boolean; minAttempt?: number; timeoutMs?: number } = {},
): Promise<RunningActivity> {
  return waitUntil(
    `${handle.workflowId}: ${activityType} running`,
    async () => {
      const { raw } = await handle.describe();
      // Deploy and load test run in the run's release workflow, its open child.
      const release = raw.pendingChildren?.find((c) => c.workflowTypeName === 'releaseWorkflow');
      const releasePending = release?.workflowId
        ? ((await handle.client.getHandle(release.workflowId).describe()).raw.pendingActivities ??
          [])
        : [];
      const pending = [...(raw.pendingActivities ?? []), ...releasePending];
      const running = pending.find(
        (activity) =>
          activity.activityType?.name === activityType &&
          activity.state === STARTED &&
          (activity.attempt ?? 1) >= (options.minAttempt ?? 1) &&
          (!options.needsHeartbeat || activity.lastHeartbeatTime),
      );
      return running ? { attempt: running.attempt ?? 1 } : undefined;
    },
    options.timeoutMs ?? 180_000,
    200,
  );
}

/** The attempt on which each completed activity of a run finished, by type (from its history). */
export async function completedAttempts(handle: WorkflowHandle): Promise<Record<string, number[]>> {
  const own = (await handle.fetchHistory()).events ?? [];
  // With the activities of its release workflow, named in the run's own history.
  const releaseId = own.find(
    (e) =>
      e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ===
      'releaseWorkflow',
  )?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
  const release = releaseId
    ? ((await handle.client.getHandle(releaseId).fetchHistory()).events ?? [])
    : [];
  const events = [...own, ...release.map((e) => ({ ...e, eventId: `r${String(e.eventId)}` }))];
  const typeOf = new Map<string, string>();
  const attemptOf = new Map<string, number>();
  const result: Record<string, number[]> = {};
  for (const event of events) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(id, scheduled.activityType?.name ?? '?');
    const prefix = id.startsWith('r') ? 'r' : '';
    const started = event.activityTaskStartedEventAttributes;
    if (started)
      attemptOf.set(`${prefix}${String(started.scheduledEventId)}`, started.attempt ?? 1);
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const key = `${prefix}${String(completed.scheduledEventId)}`;
      (result[typeOf.get(key) ?? '?'] ??= []).push(attemptOf.get(key) ?? 0);
    }
  }
  return result;
}

/**
 * The release half of a worker-killed test: approves the run once it waits
 * for a decision, replaces its worker (kills it, starts another) while the
 * deployment is under way (and `deploying` holds, when given) and again
 * while the load test sends requests; then the run's result and the attempt
 * each of its activities completed on. `home` is the worker's, whose API
 * issuer vouches for alice.
 */
export async function approveThenKillDuringRelease(
  handle: WorkflowHandle,
  home: string,
  replaceWorker: () => Promise<void>,
  deploying?: () => Promise<unknown>,
): Promise<{ result: PipelineResult; attempts: Record<string, number[]> }> {
  const stage = await waitForStage(handle, ['awaiting-approval'], 240_000);
  if (stage !== 'awaiting-approval') throw new Error(`${handle.workflowId} ended ${stage}`);
  await decideAsAlice(handle, home, 'approve', 'go');

  await waitForRunningActivity(handle, 'deployEndpoint');
  await deploying?.();
  await replaceWorker();

  // Requests are flowing once the activity has heartbeated its progress.
  await waitForRunningActivity(handle, 'loadTestEndpoint', { needsHeartbeat: true });
  await replaceWorker();

  const result = (await handle.result()) as PipelineResult;
  return { result, attempts: await completedAttempts(handle) };
}
