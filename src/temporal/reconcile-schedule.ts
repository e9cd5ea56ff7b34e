import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { BackendChoice } from '../backends/backend-target';
import type { reconcileWorkflow } from '../workflows/reconcile';
import { reconcileWorkflowIdOf } from '../workflows/reconcile-definitions';

/** How often the schedule reconciles unless told otherwise: ten minutes. */
export const RECONCILE_EVERY_MS = 10 * 60_000;

export interface ReconcileScheduleOptions {
  taskQueue: string;
  choice: BackendChoice;
  everyMs?: number;
}

/**
 * Creates the Temporal Schedule that runs `ferry reconcile` every ten
 * minutes for one Ferry deployment (its task queue), or brings an existing
 * one up to date: `ferry dev` calls it at every start, `ferry reconcile
 * --schedule` for a production cluster. Overlaps are skipped, so a slow
 * reconcile (a SageMaker rollback takes minutes) never has a twin. Returns
 * whether it was created (false: updated).
 */
export async function ensureReconcileSchedule(
  client: Client,
  options: ReconcileScheduleOptions,
): Promise<boolean> {
  const scheduleId = reconcileWorkflowIdOf(options.taskQueue);
  const spec: ScheduleSpec = { intervals: [{ every: options.everyMs ?? RECONCILE_EVERY_MS }] };
  const action: ScheduleOptionsStartWorkflowAction<typeof reconcileWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'reconcileWorkflow',
    // The schedule adds the time to it: `ferry-reconcile/<queue>-<time>`.
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [options.choice],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return true;
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(scheduleId).update<typeof reconcileWorkflow>((previous) => ({
    ...previous,
    spec,
    action,
    policies: { ...previous.policies, ...policies },
    state: { paused: previous.state.paused, note: previous.state.note },
  }));
  return false;
}
