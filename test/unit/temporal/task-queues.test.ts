import os from 'node:os';
import {
  TRAINING_ACTIVITIES,
  defaultTrainingTaskQueue,
  ferryTrainingTaskQueue,
} from '../../../src/temporal/task-queues';
import { maxConcurrentTrainings, parseWorkerRole } from '../../../src/temporal/worker-role';
import { UserError } from '../../../src/shared/user-error';

describe('task queues and worker roles', () => {
  test('the training queue defaults to the control queue with -training after it', () => {
    expect(ferryTrainingTaskQueue({})).toBe('ferry-training');
    expect(ferryTrainingTaskQueue({ FERRY_TASK_QUEUE: 'team-a' })).toBe('team-a-training');
    expect(defaultTrainingTaskQueue('team-a')).toBe('team-a-training');
  });

  test('FERRY_TRAINING_TASK_QUEUE names the training queue whatever the control queue', () => {
    const env = { FERRY_TASK_QUEUE: 'team-a', FERRY_TRAINING_TASK_QUEUE: 'gpu-box' };
    expect(ferryTrainingTaskQueue(env)).toBe('gpu-box');
  });

  test('training goes to the training queue; the release path does not', () => {
    expect(TRAINING_ACTIVITIES).toContain('trainCandidate');
    for (const control of ['deployEndpoint', 'rollbackEndpoint', 'setModelStatus', 'writeReport'])
      expect(TRAINING_ACTIVITIES).not.toContain(control);
  });

  test('a worker runs one training per core unless told otherwise', () => {
    expect(maxConcurrentTrainings(undefined)).toBe(os.availableParallelism());
    expect(maxConcurrentTrainings('3')).toBe(3);
  });

  test('refuses a role or a training count it cannot use, naming the setting', () => {
    expect(parseWorkerRole('training')).toBe('training');
    expect(() => parseWorkerRole('gpu')).toThrow(
      new UserError('--role gpu is not a worker role; give one of control, training, all'),
    );
    expect(() => maxConcurrentTrainings('0', '--max-trainings')).toThrow(
      /--max-trainings 0 is not a positive whole number/,
    );
    expect(() => maxConcurrentTrainings('two')).toThrow(/FERRY_MAX_CONCURRENT_TRAININGS two/);
  });
});
