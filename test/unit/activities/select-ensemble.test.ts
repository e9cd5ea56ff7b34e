import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { RunFiles } from '../../../src/activities/run-files';
import { createSelectEnsemble } from '../../../src/activities/select-ensemble';
import { computeMetrics } from '../../../src/evaluation/metrics';
import { summariseFolds } from '../../../src/evaluation/fold-summary';
import type { EnsembleChoice, SelectEnsembleInput } from '../../../src/workflows/definitions';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-ensemble-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fold's held-out rows (label column `y`, classes "no"/"yes") and each member's probabilities of "yes". */
function fold(name: string, labels: string[], members: Record<string, number[]>) {
  const channel = path.join(dir, name);
  mkdirSync(channel, { recursive: true });
  writeFileSync(
    path.join(channel, 'validation.csv'),
    `x,y\n${labels.map((l) => `1,${l}`).join('\n')}\n`,
  );
  const files: Record<string, string> = {};
  for (const [id, scores] of Object.entries(members)) {
    const file = path.join(channel, `${id}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        classes: ['no', 'yes'],
        probabilities: scores.map((p) => [1 - p, p]),
        labels: scores.map((p) => (p >= 0.5 ? 'yes' : 'no')),
      }),
    );
    files[id] = file;
  }
  return { channel, files };
}

function run(input: SelectEnsembleInput): Promise<EnsembleChoice> {
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
  // The local backend's files: read where they are.
  return env.run(createSelectEnsemble(new RunFiles(dir, () => undefined)), input);
}

describe('selectEnsemble (activity)', () => {
  test('selects on the pooled out-of-fold rows and scores the blend as a mean over the folds', async () => {
    // As in the pure function's test: each model alone gets half the rows, their mean all of them.
    const one = fold('fold-1', ['yes', 'yes', 'no', 'no'], {
      a: [0.9, 0.9, 0.6, 0.6],
      b: [0.4, 0.4, 0.1, 0.1],
    });
    const two = fold('fold-2', ['yes', 'no', 'no'], { a: [0.9, 0.6, 0.6], b: [0.4, 0.1, 0.1] });
    const choice = await run({
      runId: 'r',
      task: 'binary',
      target: 'y',
      objective: 'accuracy',
      rankingRows: [one.channel, two.channel],
      members: ['a', 'b'].map((id) => ({
        id,
        predictions: [one.files[id] as string, two.files[id] as string],
      })),
      rounds: 25,
    });
    expect(choice.weights).toEqual([
      { id: 'a', weight: 0.5 },
      { id: 'b', weight: 0.5 },
    ]);
    expect(choice.rows).toBe(7);
    const perFold = [
      computeMetrics({ task: 'binary', yTrue: [1, 1, 0, 0], scores: [0.65, 0.65, 0.35, 0.35] }),
      computeMetrics({ task: 'binary', yTrue: [1, 0, 0], scores: [0.65, 0.35, 0.35] }),
    ];
    const { mean, spread } = summariseFolds(perFold);
    expect(choice.metrics.accuracy).toBe(1);
    expect(choice.metrics.log_loss).toBeCloseTo(mean.log_loss as number, 12);
    expect(choice.spread?.log_loss).toBeCloseTo(spread.log_loss as number, 12);
  });

  test('refuses predictions a candidate never kept, naming it, as not worth retrying', async () => {
    const one = fold('holdout', ['yes', 'no'], { a: [0.9, 0.1] });
    await expect(
      run({
        runId: 'r',
        task: 'binary',
        target: 'y',
        objective: 'roc_auc',
        rankingRows: [one.channel],
        members: [
          { id: 'a', predictions: [one.files.a as string] },
          { id: 'b', predictions: [path.join(dir, 'missing.json')] },
        ],
        rounds: 5,
      }),
    ).rejects.toMatchObject({
      type: 'EnsembleError',
      nonRetryable: true,
      message: expect.stringMatching(/ranking predictions of candidate b cannot be read/) as string,
    });
  });
});
