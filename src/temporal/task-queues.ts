/** The task queue Ferry's workflows and control activities run on. */
export const FERRY_TASK_QUEUE = 'ferry';
export const DEFAULT_NAMESPACE = 'default';
