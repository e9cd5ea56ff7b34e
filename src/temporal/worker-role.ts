import os from 'node:os';
import { UserError } from '../shared/user-error';

/**
 * What a worker polls: the control queue (workflows and the control
 * activities), the training queue (TRAINING_ACTIVITIES in task-queues.ts),
 * or both (`ferry dev`, one machine).
 */
export const WORKER_ROLES = ['control', 'training', 'all'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export function parseWorkerRole(text: string, where = '--role'): WorkerRole {
  const role = WORKER_ROLES.find((one) => one === text);
  if (!role) {
    throw new UserError(
      `${where} ${text} is not a worker role; give one of ${WORKER_ROLES.join(', ')}`,
    );
  }
  return role;
}

/**
 * How many training-queue activities a worker runs at once: `text` (the
 * flag, else FERRY_MAX_CONCURRENT_TRAININGS) or, by default, one per core,
 * so queued trainings wait on the server instead of sharing a core.
 */
export function maxConcurrentTrainings(
  text: string | undefined,
  where = 'FERRY_MAX_CONCURRENT_TRAININGS',
): number {
  if (text === undefined || text === '') return os.availableParallelism();
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) {
    throw new UserError(
      `${where} ${text} is not a positive whole number; give how many trainings this worker may run at once (default: its ${os.availableParallelism()} cores)`,
    );
  }
  return count;
}
