/** The task queue Ferry's workflows and control activities run on by default. */
export const FERRY_TASK_QUEUE = 'ferry';
export const DEFAULT_NAMESPACE = 'default';

/** FERRY_TASK_QUEUE overrides it, for several Ferry deployments on one cluster (and for tests). */
export function ferryTaskQueue(env: NodeJS.ProcessEnv = process.env): string {
  return env.FERRY_TASK_QUEUE || FERRY_TASK_QUEUE;
}

/**
 * The activities that run on the training task queue: training, and the
 * CPU-heavy work beside it (batch predictions, ensemble selection and
 * building). Everything else (registry, approvals, deploy, scaling, load
 * test, rollback, report) stays on the control queue, so a burst of queued
 * trainings never delays a deploy or a rollback.
 */
export const TRAINING_ACTIVITIES = [
  'trainCandidate',
  'evaluateCandidate',
  'evaluateChampion',
  'selectEnsemble',
  'buildEnsemble',
] as const;
export type TrainingActivityName = (typeof TRAINING_ACTIVITIES)[number];

/**
 * A control queue's training queue when FERRY_TRAINING_TASK_QUEUE is unset:
 * `<control queue>-training`, so `ferry` has `ferry-training`. Pure, so the
 * workflow derives the same name as the workers do.
 */
export function defaultTrainingTaskQueue(controlQueue: string): string {
  return `${controlQueue}-training`;
}

/** FERRY_TRAINING_TASK_QUEUE, when set: a run started with it carries it in its input. */
export function configuredTrainingTaskQueue(
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return env.FERRY_TRAINING_TASK_QUEUE || undefined;
}

/** The training queue a worker polls: FERRY_TRAINING_TASK_QUEUE, or its control queue's default. */
export function ferryTrainingTaskQueue(
  env: NodeJS.ProcessEnv = process.env,
  controlQueue = ferryTaskQueue(env),
): string {
  return configuredTrainingTaskQueue(env) ?? defaultTrainingTaskQueue(controlQueue);
}
