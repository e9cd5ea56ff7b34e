/** The task queue Ferry's workflows and control activities run on by default. */
export const FERRY_TASK_QUEUE = 'ferry';
export const DEFAULT_NAMESPACE = 'default';

/** FERRY_TASK_QUEUE overrides it, for several Ferry deployments on one cluster (and for tests). */
export function ferryTaskQueue(env: NodeJS.ProcessEnv = process.env): string {
  return env.FERRY_TASK_QUEUE || FERRY_TASK_QUEUE;
}
