import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { LocalTrainer } from '../../src/backends/local/local-trainer';
import { openRegistry } from '../../src/backends/compose-backends';
import {
  pipelineSchema,
  type PipelineInput as PipelineFile,
} from '../../src/config/pipeline-schema';
import { approveWhenWaiting } from '../../src/temporal/run-control';
import type { PipelineResult } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { churnDataset } from '../fixtures/pipelines';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

/** Ten cheap churn candidates, ranked on the validation split: the ensemble is on by default. */
function churnTen(
  group: string,
  overrides: Partial<PipelineFile['candidates']> = {},
): PipelineFile {
  return {
    name: 'ensemble-it',
    dataset: churnDataset(),
    candidates: {
      count: 10,
      maxParallel: 2,
      seed: 3,
      algorithms: [
        { name: 'linear', hyperparameters: { C: { low: 0.001, high: 10, log: true } } },
        {
          name: 'random-forest',
          hyperparameters: { n_estimators: [10, 20], max_depth: { low: 2, high: 10 } },
        },
      ],
      ...overrides,
    },
    evaluation: { method: 'holdout' },
    objective: 'roc_auc',
    gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
    modelGroup: group,
    approval: { approvers: ['alice'] },
    endpoint: { minReplicas: 1, maxReplicas: 1 },
    loadTest: { phases: [{ durationSeconds: 1, ratePerSecond: 2 }], slo: { latencyP99Ms: 3000 } },
  };
}

async function run(file: PipelineFile): Promise<PipelineResult> {
  const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-ensemble-${randomBytes(4).toString('hex')}`,
    config: pipelineSchema.parse(file),
  });
  return approveWhenWaiting(handle, await person(harness.home, 'alice'), 'ship it');
}

interface ClassPredictions {
  classes: string[];
  probabilities: number[][];
}

describe('an ensemble candidate (greedy ensemble selection)', () => {
  let result: PipelineResult;
  beforeAll(async () => {
    result = await run(churnTen('churn-ensemble'));
  }, 300_000);

  test('appears on the leaderboard with its members and weights, and ranks first', () => {
    const row = result.leaderboard.find((one) => one.algorithm === 'ensemble');
    expect(row).toBeDefined();
    expect(row?.id).toBe('ensemble');
    expect(row?.members?.length).toBeGreaterThanOrEqual(2);
    const total = (row?.members ?? []).reduce((sum, member) => sum + member.weight, 0);
    expect(total).toBeCloseTo(1, 12);
    const singles = result.leaderboard.filter((one) => one.algorithm !== 'ensemble');
    expect(singles).toHaveLength(10);
    // Selection starts from the best single candidate and only keeps a blend that beats it.
    const bestSingle = Math.max(...singles.map((one) => one.objectiveValue ?? 0));
    expect(row?.objectiveValue).toBeGreaterThan(bestSingle);
    expect(result.leaderboard[0]?.id).toBe('ensemble');
    const select = result.steps.find((step) => step.step === 'select');
    expect(select?.note).toMatch(/slightly optimistic/);
  });

  test('is refit member by member, registered and deployed as one model', async () => {
    const winner = result.winner!;
    expect(result.outcome).toBe('deployed');
    expect(winner.algorithm).toBe('ensemble');
    expect(winner.trainedOn).toBe('train+validation');
    expect(winner.testObjectiveValue).toBeGreaterThan(0.75);
    const registry = openRegistry('local', harness.home);
    const stored = await registry.getVersion('churn-ensemble', 1);
    expect(stored?.lineage).toMatchObject({
      candidateId: 'ensemble',
      algorithm: 'ensemble',
      members: winner.members,
    });
    expect(readFileSync(path.join(winner.modelDir, 'model.joblib')).length).toBeGreaterThan(0);
  });

  test("the endpoint's predictions equal its evaluation's, and both are the members' weighted mean", async () => {
    const winner = result.winner!;
    const artifacts = path.join(harness.home, 'artifacts', result.runId);
    const testCsv = path.join(artifacts, 'data', 'test', 'test.csv');
    // What batch_predict.py answered when the ensemble was scored on test.
    const evaluated = JSON.parse(
      readFileSync(path.join(artifacts, 'candidates', 'ensemble', 'predictions.json'), 'utf8'),
    ) as ClassPredictions;

    const endpoint = await new LocalHostingClient(harness.home).describe('churn-ensemble');
    const answer = await fetch(`${endpoint?.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', accept: 'application/json' },
      body: readFileSync(testCsv),
    });
    expect(answer.status).toBe(200);
    const served = (await answer.json()) as ClassPredictions;
    expect(served.classes).toEqual(evaluated.classes);
    expect(served.probabilities).toHaveLength(winner.testRows);
    expect(served.probabilities).toEqual(evaluated.probabilities);

    // Each refit member on its own, through its own inference functions, averaged by weight.
    const trainer = new LocalTrainer();
    const controls = { signal: new AbortController().signal, onProgress: () => undefined };
    const members = await Promise.all(
      (winner.members ?? []).map(async ({ id, weight }) => {
        const dir = path.join(artifacts, 'candidates', `${id}-refit`);
        const algorithm = result.leaderboard.find((row) => row.id === id)?.algorithm ?? '';
        const predictions = (await trainer.predict(
          {
            jobName: `check-${id}`,
            algorithm,
            modelDir: path.join(dir, 'model'),
            inputFile: testCsv,
            workDir: path.join(dir, 'check'),
          },
          controls,
        )) as ClassPredictions;
        return { weight, probabilities: predictions.probabilities };
      }),
    );
    served.probabilities.forEach((row, i) => {
      row.forEach((value, k) => {
        const mean = members.reduce(
          (sum, member) => sum + member.weight * (member.probabilities[i]?.[k] ?? Number.NaN),
          0,
        );
        expect(value).toBeCloseTo(mean, 12);
      });
    });
  });
});

describe('ensemble: false', () => {
  test('leaves the ensemble off even with ten candidates', async () => {
    const result = await run(churnTen('churn-no-ensemble', { ensemble: false }));
    expect(result.leaderboard.map((row) => row.algorithm)).not.toContain('ensemble');
    expect(result.leaderboard).toHaveLength(10);
  }, 300_000);
});
