import { randomBytes } from 'node:crypto';
import { openRegistry } from '../../src/backends/compose-backends';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import type { PipelineResult } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { approveWhenWaiting } from '../../src/temporal/run-control';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

/** One logistic regression on penguins into `group`; a tiny C makes a weak model, C = 1 a strong one. */
async function runInto(group: string, c: number, margin = 0): Promise<PipelineResult> {
  const config = pipelineSchema.parse(
    penguinsOneModel(group, {
      candidates: {
        count: 1,
        maxParallel: 1,
        algorithms: [{ name: 'linear', hyperparameters: { C: c } }],
      },
      gates: { thresholds: [], champion: { enabled: true, margin } },
    }),
  );
  const handle = await startRunAs(harness.client, await person(harness.home, 'tester'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-champion-${randomBytes(4).toString('hex')}`,
    config,
  });
  return approveWhenWaiting(handle, await person(harness.home, 'alice'));
}

describe('the champion gate', () => {
  test('passes, and says so, when the group has no approved version yet', async () => {
    const result = await runInto(`champ-${randomBytes(3).toString('hex')}`, 1);
    expect(result.outcome).toBe('deployed');
    expect(result.championGate).toEqual({
      hasChampion: false,
      passed: true,
      reason: 'no approved version yet, so there is no champion to beat',
    });
  });

  test('a better winner beats the approved champion, re-evaluated on the same test split', async () => {
    const group = `champ-${randomBytes(3).toString('hex')}`;
    const weak = await runInto(group, 0.0001);
    const strong = await runInto(group, 1);
    const weakAccuracy = weak.winner?.metrics.accuracy ?? 1;
    expect(weakAccuracy).toBeLessThan(0.8);
    expect(strong.outcome).toBe('deployed');
    expect(strong.championGate?.passed).toBe(true);
    // Same data, same seed, same split: the champion scores what it scored in its own run.
    expect(strong.championGate?.champion).toMatchObject({
      version: 1,
      algorithm: 'linear',
      metrics: { accuracy: weakAccuracy },
    });
    expect(strong.championGate?.reason).toMatch(
      /c01 has accuracy [0-9.]+, champion version 1 has [0-9.]+ on the same test split: beats it by [0-9.]+ \(margin 0\)/,
    );
    expect(strong.modelVersion?.version).toBe(2);
  });

  test('a winner that does not beat the champion by the margin ends the run with no new version', async () => {
    const group = `champ-${randomBytes(3).toString('hex')}`;
    await runInto(group, 1);
    const rerun = await runInto(group, 1);
    expect(rerun.outcome).toBe('no-candidate-passed');
    expect(rerun.reason).toMatch(
      /^champion gate: c01 has accuracy [0-9.]+, champion version 1 has [0-9.]+ on the same test split: does not beat it by the margin 0$/,
    );
    expect(rerun.modelVersion).toBeUndefined();
    expect(await openRegistry('local', harness.home).listVersions(group)).toHaveLength(1);
  });
});
