import { Client, Connection } from '@temporalio/client';
import { ensureReconcileSchedule, RECONCILE_EVERY_MS } from '../temporal/reconcile-schedule';
import { DEFAULT_NAMESPACE, ferryTaskQueue } from '../temporal/task-queues';
import { reconcileWorkflowIdOf } from '../workflows/reconcile-definitions';
import { formatDurationMs } from '../config/duration';

/**
 * `ferry dev`'s reconcile schedule on its own server, created at its first
 * start and brought up to date at every later one; the line `ferry dev`
 * prints about it. A schedule that cannot be made is a warning, not a
 * reason to stop the worker.
 */
export async function scheduleDevReconcile(address: string, namespace?: string): Promise<string> {
  const taskQueue = ferryTaskQueue();
  const scheduleId = reconcileWorkflowIdOf(taskQueue);
  try {
    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection, namespace: namespace ?? DEFAULT_NAMESPACE });
      await ensureReconcileSchedule(client, { taskQueue, choice: { backend: 'local' } });
    } finally {
      await connection.close();
    }
    return `schedule ${scheduleId}: ferry reconcile every ${formatDurationMs(RECONCILE_EVERY_MS)}`;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `no schedule (${why}); run 'ferry reconcile' by hand`;
  }
}
