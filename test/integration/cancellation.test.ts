import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { isProcessGroupAlive } from '../../src/shared/process-group';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { churnDataset, validPipeline } from '../fixtures/pipelines';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

describe('cancelling a run', () => {
  test('kills the training process group and ends the run as cancelled, with nothing completed', async () => {
    const config = pipelineSchema.parse({
      ...validPipeline(),
      dataset: churnDataset(),
      // Big enough to still be training when the cancellation arrives.
      candidates: {
        count: 1,
        maxParallel: 1,
        algorithms: [
          { name: 'random-forest', hyperparameters: { n_estimators: 3000, max_depth: 30 } },
        ],
      },
      gates: { thresholds: [] },
    });
    const runId = `ferry-cancel-${randomBytes(4).toString('hex')}`;
    const handle = await startRunAs(harness.client, await person(harness.home, 'tester'), {
      taskQueue: harness.taskQueue,
      workflowId: runId,
      config,
    });
    const candidateDir = path.join(harness.home, 'artifacts', runId, 'candidates', 'c01');
    const pidFile = path.join(candidateDir, 'train.pid');
    for (let i = 0; i < 300 && !existsSync(pidFile); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const trainingPid = Number(readFileSync(pidFile, 'utf8'));
    expect(isProcessGroupAlive(trainingPid)).toBe(true);

    await handle.cancel();
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    // The run ends only once the training is killed; allow the kill a moment to land.
    for (let i = 0; i < 20 && isProcessGroupAlive(trainingPid); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isProcessGroupAlive(trainingPid)).toBe(false);
    expect(existsSync(path.join(candidateDir, 'completions.log'))).toBe(false);
  });
});
