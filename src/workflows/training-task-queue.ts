import { workflowInfo } from '@temporalio/workflow';
import { defaultTrainingTaskQueue } from '../temporal/task-queues';
import type { PipelineInput } from './definitions';

/**
 * The run's training task queue: the one its starter named (it had
 * FERRY_TRAINING_TASK_QUEUE set), else its own task queue's default
 * (`ferry` → `ferry-training`), the name the workers derive too. Both come
 * from the run's input and info, so a replay finds the same queue.
 */
export function trainingTaskQueueOf(input: PipelineInput): string {
  return input.trainingTaskQueue ?? defaultTrainingTaskQueue(workflowInfo().taskQueue);
}
