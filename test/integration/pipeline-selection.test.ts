import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  pipelineSchema,
  type PipelineInput as PipelineFile,
} from '../../src/config/pipeline-schema';
import type { PipelineResult } from '../../src/workflows/definitions';
import { openRegistry } from '../../src/backends/compose-backends';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { approveWhenWaiting } from '../../src/temporal/run-control';
import { person, startRunAs } from '../fixtures/people';
import { churnDataset, SHARED_DATA_DIR } from '../fixtures/pipelines';
import { validatePipeline } from '../../src/config/validate-pipeline';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

function pipeline(overrides: Partial<PipelineFile>): PipelineFile {
  return {
    name: 'it',
    dataset: {
      path: path.join(SHARED_DATA_DIR, 'penguins.csv'),
      target: 'species',
      task: 'multiclass',
    },
    candidates: {
      count: 4,
      maxParallel: 2,
      seed: 5,
      algorithms: [
        { name: 'linear', hyperparameters: { C: { low: 0.1, high: 10, log: true } } },
        {
          name: 'random-forest',
          hyperparameters: { n_estimators: [20, 40], max_depth: { low: 2, high: 6 } },
        },
      ],
    },
    objective: 'accuracy',
    // These tests rerun into one group; the champion gate has tests of its own.
    gates: { thresholds: ['accuracy >= 0.9'], champion: { enabled: false, margin: 0 } },
    modelGroup: 'penguins',
    approval: { approvers: ['alice'] },
    loadTest: { phases: [{ durationSeconds: 1, ratePerSecond: 2 }], slo: { latencyP99Ms: 2000 } },
    ...overrides,
  };
}

/** Runs a pipeline to its end, approving it as alice when it waits for a decision. */
async function runPipeline(file: PipelineFile): Promise<PipelineResult> {
  const config = pipelineSchema.parse(file);
  const handle = await startRunAs(harness.client, await person(harness.home, 'tester'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-it-${randomBytes(4).toString('hex')}`,
    config,
  });
  return approveWhenWaiting(handle, await person(harness.home, 'alice'));
}

async function failureOf(file: PipelineFile): Promise<{ type?: string; message: string }> {
  try {
    await runPipeline(file);
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      let cause: Error | undefined = error.cause;
      while (cause?.cause instanceof Error) cause = cause.cause;
      return {
        type: (cause as { type?: string } | undefined)?.type,
        message: cause?.message ?? '',
      };
    }
    throw error;
  }
  throw new Error('the run was expected to fail');
}

describe('a pipeline run up to selection (real server, real models)', () => {
  test('penguins: every candidate trains, the leaderboard is ranked, a winner is selected', async () => {
    const result = await runPipeline(pipeline({}));
    expect(result.outcome).toBe('deployed');
    expect(result.candidates.map((c) => c.state)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const accuracies = result.leaderboard.map((row) => row.metrics.accuracy ?? 0);
    expect([...accuracies].sort((a, b) => b - a)).toEqual(accuracies);
    expect(accuracies[0]).toBeGreaterThan(0.9);
    expect(result.winner?.id).toBe(result.leaderboard[0]?.id);
    expect(result.datasetFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  test('registers the winner as a new version with its lineage; approval sets it Approved', async () => {
    const first = await runPipeline(pipeline({ modelGroup: 'penguins-registry' }));
    const second = await runPipeline(pipeline({ modelGroup: 'penguins-registry' }));
    expect(first.modelVersion).toEqual({
      group: 'penguins-registry',
      version: 1,
      status: 'Approved',
    });
    expect(second.modelVersion?.version).toBe(2);

    const registry = openRegistry('local', harness.home);
    const stored = await registry.getVersion('penguins-registry', 1);
    expect(stored?.lineage).toMatchObject({
      runId: first.runId,
      candidateId: first.winner?.id,
      algorithm: first.winner?.algorithm,
      hyperparameters: first.winner?.hyperparameters,
      datasetFingerprint: first.datasetFingerprint,
      configHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      artifactSha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
    });
    expect(existsSync(path.join(stored?.lineage.artifactPath ?? '', 'model.joblib'))).toBe(true);
    // The version holds the test score of the model refit on train + validation.
    expect(stored?.metrics.accuracy).toBe(first.winner?.test.accuracy);
    expect(stored?.lineage).toMatchObject({
      trainedOn: 'train+validation',
      trainingRows: first.winner?.trainingRows,
      selectedBy: '5-fold cross-validation on train + validation (292 rows)',
      testRows: 52,
    });
    expect(stored?.lineage.artifactPath).toMatch(/candidates\/c0\d-refit\/model$/);
    expect(
      stored?.statusHistory.map((change) => [change.status, change.by, change.reason]),
    ).toEqual([
      ['PendingManualApproval', 'tester', `registered by run ${first.runId}`],
      ['Approved', 'alice', 'looks good'],
    ]);
    // Same data, same seed, same candidate: the same model, byte for byte.
    expect((await registry.getVersion('penguins-registry', 2))?.lineage.artifactSha256).toBe(
      stored?.lineage.artifactSha256,
    );
  });

  test('churn: the best candidate has a ROC AUC above 0.80', async () => {
    const result = await runPipeline(
      pipeline({
        dataset: churnDataset(),
        candidates: {
          count: 3,
          maxParallel: 2,
          seed: 1,
          algorithms: [
            { name: 'xgboost', hyperparameters: { num_round: 60, max_depth: 3, eta: 0.1 } },
            { name: 'linear', hyperparameters: { C: 1 } },
            { name: 'hist-gradient-boosting', hyperparameters: { max_iter: 60 } },
          ],
        },
        objective: 'roc_auc',
        gates: { thresholds: ['roc_auc >= 0.80'], champion: { enabled: false, margin: 0 } },
      }),
    );
    expect(result.outcome).toBe('deployed');
    expect(result.winner?.test.roc_auc).toBeGreaterThan(0.8);
    expect(result.leaderboard).toHaveLength(3);
  });

  test('candidates are ranked by 5-fold CV; only the chosen model and the champion read test', async () => {
    const result = await runPipeline(
      pipeline({
        modelGroup: 'penguins-test-reads',
        gates: { thresholds: [], champion: { enabled: true, margin: 0 } },
      }),
    );
    expect(result.protocol).toEqual({
      method: 'cv',
      folds: 5,
      rows: 292,
      refit: true,
      chosenBy: 'size rule',
    });
    for (const row of result.leaderboard) expect(row.spread?.accuracy).toBeGreaterThanOrEqual(0);

    const scheduled = async (workflowId: string) =>
      (await harness.client.workflow.getHandle(workflowId).fetchHistory()).events?.flatMap(
        (event) => {
          const attributes = event.activityTaskScheduledEventAttributes;
          if (!attributes) return [];
          const [input] = attributes.input?.payloads ?? [];
          return [
            {
              activity: attributes.activityType?.name ?? '',
              input: defaultPayloadConverter.fromPayload<Record<string, unknown>>(input!),
            },
          ];
        },
      ) ?? [];
    const readsTest = (input: Record<string, unknown>) => JSON.stringify(input).includes('/test');
    const parent = await scheduled(result.runId);
    const children = (
      await Promise.all(result.candidates.map((c) => scheduled(`${result.runId}-${c.id}`)))
    ).flat();
    // Every candidate: five trainings and five scorings, each on its fold, none on test.
    expect(children.filter((call) => call.activity === 'trainCandidate')).toHaveLength(20);
    expect(children.filter((call) => call.activity === 'evaluateCandidate')).toHaveLength(20);
    expect(children.filter((call) => readsTest(call.input))).toEqual([]);
    // The parent: one refit (on train + validation), one test score of it, one of the champion.
    const winner = result.winner!;
    expect(parent.filter((call) => readsTest(call.input)).map((call) => call.activity)).toEqual([
      'evaluateCandidate',
      'evaluateChampion',
    ]);
    const testRead = parent.find((call) => call.activity === 'evaluateCandidate')?.input;
    expect(testRead).toMatchObject({
      candidate: { id: `${winner.id}-refit` },
      rows: { split: 'test' },
    });
    const refit = parent.find((call) => call.activity === 'trainCandidate')?.input;
    expect(refit).toMatchObject({ candidate: { id: `${winner.id}-refit` } });
    expect(refit?.channels).toEqual({
      train: expect.stringMatching(/train-validation$/) as string,
    });
    expect(winner.trainedOn).toBe('train+validation');
    expect(winner.testRows).toBe(52);
  });

  test('a second run reads test for its chosen model and for the champion, on the same rows', async () => {
    const file = pipeline({
      modelGroup: 'penguins-champion-reads',
      gates: { thresholds: [], champion: { enabled: true, margin: 0 } },
    });
    await runPipeline(file);
    const second = await runPipeline({ ...file, candidates: { ...file.candidates, seed: 6 } });
    const history = await harness.client.workflow.getHandle(second.runId).fetchHistory();
    const testReads = (history.events ?? []).flatMap((event) => {
      const attributes = event.activityTaskScheduledEventAttributes;
      const [payload] = attributes?.input?.payloads ?? [];
      if (!attributes || !payload) return [];
      const input = defaultPayloadConverter.fromPayload<{
        rows?: { split: string; channel: string };
      }>(payload);
      return input.rows?.split === 'test'
        ? [[attributes.activityType?.name, input.rows.channel]]
        : [];
    });
    expect(testReads.map(([name]) => name)).toEqual(['evaluateCandidate', 'evaluateChampion']);
    expect(testReads[0]?.[1]).toBe(testReads[1]?.[1]);
    expect(second.championGate?.hasChampion).toBe(true);
  });

  test('early stopping finds the rounds on validation, and the refit boosts that many', async () => {
    const result = await runPipeline(
      pipeline({
        dataset: churnDataset(),
        evaluation: { method: 'holdout' },
        candidates: {
          count: 2,
          maxParallel: 2,
          seed: 1,
          algorithms: [
            { name: 'xgboost', hyperparameters: { num_round: 2000, max_depth: 4, eta: 0.3 } },
            {
              name: 'hist-gradient-boosting',
              hyperparameters: { max_iter: 2000, learning_rate: 0.3 },
            },
          ],
        },
        objective: 'roc_auc',
        gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
      }),
    );
    for (const row of result.leaderboard) {
      expect(row.fittedRounds).toBeGreaterThan(0);
      expect(row.fittedRounds).toBeLessThan(2000);
    }
    const winner = result.winner!;
    const rounds = winner.algorithm === 'xgboost' ? 'num_round' : 'max_iter';
    expect(winner.hyperparameters[rounds]).toBe(winner.fittedRounds);
    expect(winner.trainedOn).toBe('train+validation');
  });

  test("holdout without refit registers the candidate's own model, trained on train", async () => {
    const result = await runPipeline(
      pipeline({
        evaluation: { method: 'holdout', refit: false },
        modelGroup: 'penguins-no-refit',
      }),
    );
    const winner = result.winner!;
    expect(result.protocol).toMatchObject({
      method: 'holdout',
      rows: 52,
      chosenBy: 'pipeline file',
    });
    expect(winner.trainedOn).toBe('train');
    expect(winner.modelDir).toBe(result.leaderboard[0]?.modelDir);
    expect(winner.trainingRows).toBe(240);
  });

  test('two runs with the same seed give the same candidates and metrics', async () => {
    const [first, second] = await Promise.all([
      runPipeline(pipeline({})),
      runPipeline(pipeline({})),
    ]);
    const view = (result: PipelineResult) =>
      result.leaderboard.map(({ id, algorithm, hyperparameters, metrics }) => ({
        id,
        algorithm,
        hyperparameters,
        metrics,
      }));
    expect(view(second)).toEqual(view(first));
  });

  test('tpe: a rerun asks for the same candidates, and the run replays on the workflow code', async () => {
    const file = pipeline({
      evaluation: { method: 'holdout' },
      candidates: { ...pipeline({}).candidates, count: 6, strategy: 'tpe' },
    });
    const [first, second] = await Promise.all([runPipeline(file), runPipeline(file)]);
    const asked = (result: PipelineResult) =>
      result.leaderboard
        .map(({ id, algorithm, hyperparameters }) => ({ id, algorithm, hyperparameters }))
        .sort((a, b) => a.id.localeCompare(b.id));
    expect(asked(first)).toHaveLength(6);
    expect(asked(second)).toEqual(asked(first));
    // Every suggestion is an activity result in the history, so a replay takes it from there.
    const history = await harness.client.workflow.getHandle(first.runId).fetchHistory();
    const suggestions = (history.events ?? []).filter(
      (event) =>
        event.activityTaskScheduledEventAttributes?.activityType?.name === 'suggestCandidate',
    );
    expect(suggestions).toHaveLength(6);
    await expect(
      Worker.runReplayHistory(
        { workflowsPath: require.resolve('../../src/workflows') },
        history,
        first.runId,
      ),
    ).resolves.toBeUndefined();
  });

  test('a pipeline with only candidates.count validates and runs all four built-in spaces', async () => {
    const file = pipeline({ evaluation: { method: 'holdout' }, candidates: { count: 6 } });
    const validation = await validatePipeline(file, { baseDir: SHARED_DATA_DIR });
    expect(validation.problems).toEqual([]);
    const result = await runPipeline(file);
    expect(result.outcome).toBe('deployed');
    const byId = [...result.leaderboard].sort((a, b) => a.id.localeCompare(b.id));
    // Each algorithm's library defaults first (with the rounds cap), then draws from its space.
    expect(byId.slice(0, 4).map((row) => [row.algorithm, row.hyperparameters])).toEqual([
      ['xgboost', { num_round: 2000 }],
      ['linear', { max_iter: 1000 }],
      ['random-forest', { n_estimators: 300 }],
      ['hist-gradient-boosting', { max_iter: 2000 }],
    ]);
    expect(Object.keys(byId[4]?.hyperparameters ?? {}).length).toBeGreaterThan(1);
    expect(result.winner?.test.accuracy).toBeGreaterThan(0.9);
  });

  test('a run whose gates nothing passes ends as "no candidate passed", not as an error', async () => {
    const result = await runPipeline(
      pipeline({
        gates: { thresholds: ['log_loss <= 0.00001'], champion: { enabled: false, margin: 0 } },
      }),
    );
    expect(result.outcome).toBe('no-candidate-passed');
    expect(result.reason).toMatch(
      /^best candidate c0\d \(\S+\) has test log_loss [0-9.e-]+, gate "log_loss <= 0.00001" not met/,
    );
    expect(result.leaderboard.length).toBe(4);
  });

  // A real failure from the real library: scikit-learn refuses max_features = 5
  // (a fraction must be at most 1) when fitting. Pipeline files cannot say this
  // (validation checks the catalog's ranges), so the test hands the workflow a
  // config parsed by the schema alone, as a worker with an out-of-date catalog would.
  const refused = { name: 'random-forest' as const, hyperparameters: { max_features: 5 } };

  test('a failing candidate is recorded with its reason and the run goes on', async () => {
    const result = await runPipeline(
      pipeline({
        candidates: {
          count: 2,
          maxParallel: 2,
          algorithms: [{ name: 'linear', hyperparameters: { C: 1 } }, refused],
        },
        gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
      }),
    );
    expect(result.outcome).toBe('deployed');
    const failed = result.candidates.find((c) => c.algorithm === 'random-forest');
    expect(failed?.state).toBe('failed');
    expect(failed?.error).toMatch(/training .*random-forest.* failed \(exit \d\): .*max_features/);
    expect(result.winner?.algorithm).toBe('linear');
  });

  test('when every candidate fails, the run fails quoting the first error', async () => {
    const failure = await failureOf(
      pipeline({ candidates: { count: 2, maxParallel: 2, algorithms: [refused] } }),
    );
    expect(failure.type).toBe('AllCandidatesFailed');
    expect(failure.message).toMatch(
      /all 2 candidates failed; the first error: training .*max_features/,
    );
  });
});

describe('a bad dataset ends the run with a DatasetError that names the problem', () => {
  const dataset = (
    file: string,
    target = 'species',
    task: 'binary' | 'multiclass' | 'regression' = 'multiclass',
  ) => ({
    dataset: { path: file, target, task },
  });
  function csv(name: string, text: string): string {
    const file = path.join(harness.home, name);
    writeFileSync(file, text);
    return file;
  }
  const rows = (n: number, row: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => row(i)).join('\n');

  test.each<[string, () => Partial<PipelineFile>, RegExp]>([
    ['a missing file', () => dataset(path.join(harness.home, 'no-such.csv')), /does not exist/],
    ['an empty file', () => dataset(csv('empty.csv', '')), /is empty/],
    [
      'a missing target column',
      () => dataset(csv('no-target.csv', `a,b\n${rows(20, (i) => `${i},${i}`)}`)),
      /has no column 'species'/,
    ],
    [
      'a target with one class',
      () => dataset(csv('one-class.csv', `a,species\n${rows(20, (i) => `${i},x`)}`)),
      /only one class/,
    ],
    [
      'a non-numeric regression target',
      () =>
        dataset(
          csv('text-target.csv', `a,y\n${rows(20, (i) => `${i},${i === 7 ? 'lots' : i}`)}`),
          'y',
          'regression',
        ),
      /non-numeric value on line 9/,
    ],
    [
      'a row with the wrong number of fields',
      () =>
        dataset(
          csv(
            'ragged.csv',
            `a,species\n${rows(20, (i) => (i === 4 ? `${i},x,extra` : `${i},${i % 2 ? 'x' : 'y'}`))}`,
          ),
        ),
      /has a row on line 6 with a different number of fields from the header/,
    ],
    [
      'too few rows for the split',
      () => dataset(csv('tiny.csv', `a,species\n${rows(6, (i) => `${i},${i % 2 ? 'x' : 'y'}`)}`)),
      /too few rows \(6\)/,
    ],
  ])('%s', async (_title, overrides, words) => {
    const failure = await failureOf(pipeline(overrides()));
    expect(failure.type).toBe('DatasetError');
    expect(failure.message).toMatch(words);
  });
});
