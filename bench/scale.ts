import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { evaluateModel } from '../src/activities/evaluate-candidate';
import { createPrepareData } from '../src/activities/prepare-data';
import { RunFiles } from '../src/activities/run-files';
import type { PreparedData } from '../src/workflows/definitions';
import type { TrainingJob } from '../src/backends/trainer';
import { LocalTrainer } from '../src/backends/local/local-trainer';
import { WarmRunner } from '../src/python/warm-runner';
import { SHARED_DATA_DIR } from '../test/fixtures/pipelines';
import { machine, progress, round } from './bench-server';
import { writeResampledDataset } from './scale-dataset';

const SOURCE = path.join(SHARED_DATA_DIR, 'wa_churn.csv');
const DEFAULT_FACTORS = [1, 10, 100];
/** 100x is ~700,000 rows (~100 MB): larger factors would not fit the 5-minute limit here. */
const MAX_FACTOR = 100;
const SEED = 7;
const SPLIT = { train: 0.7, validation: 0.15, test: 0.15, seed: 1 };
/** One fast candidate of each kind: boosted trees, and a one-hot logistic regression. */
const CANDIDATES: {
  id: string;
  algorithm: string;
  hyperparameters: Record<string, number>;
  seed: number;
}[] = [
  {
    id: 'xgboost',
    algorithm: 'xgboost',
    hyperparameters: { num_round: 50, max_depth: 4, eta: 0.2 },
    seed: 1,
  },
  { id: 'linear', algorithm: 'linear', hyperparameters: { C: 1 }, seed: 2 },
];

/**
 * scale: how data preparation, training and evaluation grow with rows, on
 * wa_churn resampled to 1x, 10x and 100x (made here, in a temporary folder).
 * Each step runs the code its activity runs, in Temporal's activity test
 * environment where it needs an activity Context: prepareData itself, the
 * local trainer that trainCandidate calls, and evaluateModel, which
 * evaluateCandidate calls. So the figures are what a run's activities take,
 * without the orchestration that the pipeline and fanout benchmarks measure. Growth = time ratio against 1x,
 * next to the row ratio: equal means linear, lower means fixed costs dominate.
 */
export async function scale(args: string[]): Promise<unknown> {
  const factors = args.length > 0 ? args.map(Number) : DEFAULT_FACTORS;
  const bad = factors.find((f) => !Number.isInteger(f) || f < 1 || f > MAX_FACTOR);
  if (bad !== undefined)
    throw new Error(`scale: factor '${bad}' is not a whole number from 1 to ${MAX_FACTOR}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-bench-scale-'));
  const sizes = [];
  try {
    // The first job of each kind pays for starting the warm Python runner and
    // importing the libraries; measured once and discarded, so 1x is not inflated.
    progress('warming up (1x, not reported)...');
    await measureSize(dir, 1);
    for (const factor of factors) sizes.push(await measureSize(dir, factor));
  } finally {
    await WarmRunner.stopShared();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    benchmark: 'scale',
    machine: machine(),
    inputs: {
      dataset: 'wa_churn, rows resampled with replacement (seeded), 1x = the file itself',
      factors,
      split: SPLIT,
      candidates: CANDIDATES.map(({ algorithm, hyperparameters }) => ({
        algorithm,
        hyperparameters,
      })),
      threads: os.availableParallelism(),
      warmPython: process.env.FERRY_WARM_PYTHON !== '0',
      warmUp: 'one 1x pass before measuring, discarded',
    },
    figures: {
      sizes,
      growth: growthAgainstFirst(sizes),
    },
  };
}

interface SizeFigures {
  factor: number;
  rows: number;
  splitRows: PreparedData['rows'];
  prepareDataSeconds: number;
  prepareDataRowsPerSecond: number;
  /** The longest the worker's event loop went without a turn during prepareData. */
  prepareDataLongestStallMs: number;
  candidates: Record<string, CandidateFigures>;
}

/** Each size's times over the first size's, next to the row ratio: equal means linear growth. */
function growthAgainstFirst(sizes: SizeFigures[]) {
  const base = sizes[0];
  if (!base) return [];
  return sizes.map((size) => ({
    factor: size.factor,
    rowRatio: round(size.rows / base.rows),
    prepareData: round(size.prepareDataSeconds / base.prepareDataSeconds),
    ...Object.fromEntries(
      CANDIDATES.map(({ id }) => {
        const [now, then] = [size.candidates[id], base.candidates[id]];
        if (!now || !then) return [id, null];
        return [
          id,
          {
            train: round(now.trainSeconds / then.trainSeconds),
            evaluate: round(now.evaluateSeconds / then.evaluateSeconds),
          },
        ];
      }),
    ),
  }));
}

interface CandidateFigures {
  trainSeconds: number;
  trainRowsPerSecond: number;
  evaluateSeconds: number;
  evaluateRowsPerSecond: number;
  rocAuc: number | undefined;
}

async function measureSize(dir: string, factor: number): Promise<SizeFigures> {
  const sizeDir = path.join(dir, `${factor}x`);
  const file = path.join(dir, `wa_churn-${factor}x.csv`);
  progress(`${factor}x: writing the dataset...`);
  if (factor === 1) await copyFile(SOURCE, file);
  else await writeResampledDataset(SOURCE, factor, SEED, file);
  const runId = `scale-${factor}x`;
  const prepareData = createPrepareData(sizeDir);
  const trainer = new LocalTrainer();
  // The local backend keeps its files where they are: no store, nothing cached.
  const localFiles = new RunFiles(path.join(sizeDir, 'cache'), () => undefined);

  progress(`${factor}x: prepareData...`);
  const [[prepared, prepareDataSeconds], prepareDataLongestStallMs] = await withLongestStall(() =>
    timed(() =>
      runActivity(prepareData, {
        runId,
        dataset: { path: file, target: 'churn', task: 'binary', positiveClass: 'Yes' },
        split: SPLIT,
        // One validation split: this benchmark times prepare and evaluate, not the fold count.
        evaluation: { method: 'holdout', folds: 5, refit: true },
      }),
    ),
  );
  const candidates: Record<string, CandidateFigures> = {};
  for (const candidate of CANDIDATES) {
    progress(`${factor}x: ${candidate.algorithm}: train, evaluate...`);
    const workDir = path.join(sizeDir, candidate.id);
    const controls = { signal: new AbortController().signal, onProgress: () => undefined };
    const job: TrainingJob = {
      runId,
      jobName: `${runId}-${candidate.id}`,
      algorithm: candidate.algorithm,
      task: 'binary',
      target: 'churn',
      positiveClass: 'Yes',
      hyperparameters: candidate.hyperparameters,
      seed: candidate.seed,
      channels: { train: prepared.channels.train, validation: prepared.channels.validation },
      channelSet: 'holdout',
      workDir,
      threads: os.availableParallelism(),
    };
    const [trained, trainSeconds] = await timed(() => trainer.train(job, controls));
    const [evaluation, evaluateSeconds] = await timed(() =>
      runActivity(evaluateModel.bind(null, trainer, localFiles), {
        runId,
        backend: undefined,
        predictionsKey: `candidates/${candidate.id}/ranking-predictions.json`,
        jobName: `${runId}-${candidate.id}-eval`,
        algorithm: candidate.algorithm,
        modelDir: trained.modelDir,
        workDir,
        rows: { split: 'test', channel: prepared.channels.test },
        target: 'churn',
        task: 'binary',
        modelName: candidate.id,
      }),
    );
    candidates[candidate.id] = {
      trainSeconds: round(trainSeconds),
      trainRowsPerSecond: Math.round(prepared.rows.train / trainSeconds),
      evaluateSeconds: round(evaluateSeconds),
      evaluateRowsPerSecond: Math.round(evaluation.rows / evaluateSeconds),
      rocAuc: evaluation.metrics.roc_auc,
    };
  }
  // The larger files are ~100 MB each: gone as soon as they are measured.
  await rm(sizeDir, { recursive: true, force: true });
  await rm(file, { force: true });
  const rows = prepared.rows.train + prepared.rows.validation + prepared.rows.test;
  return {
    factor,
    rows,
    splitRows: prepared.rows,
    prepareDataSeconds: round(prepareDataSeconds),
    prepareDataRowsPerSecond: Math.round(rows / prepareDataSeconds),
    prepareDataLongestStallMs,
    candidates,
  };
}

/** In Temporal's activity test environment: a real activity Context, no server; a long timeout for 100x. */
function runActivity<I, O>(activity: (input: I) => Promise<O>, input: I): Promise<O> {
  const environment = new MockActivityEnvironment(
    { startToCloseTimeoutMs: 10 * 60_000 },
    { logger: new DefaultLogger('WARN') },
  );
  return environment.run(activity, input);
}

/**
 * The longest gap between turns of the event loop while `work` ran, in ms:
 * how long the worker's other activities, and their heartbeats, would wait.
 */
async function withLongestStall<T>(work: () => Promise<T>): Promise<[T, number]> {
  let lastTurn = performance.now();
  let longest = 0;
  const noteTurn = () => {
    const now = performance.now();
    longest = Math.max(longest, now - lastTurn);
    lastTurn = now;
  };
  const ticker = setInterval(noteTurn, 5);
  try {
    const result = await work();
    noteTurn();
    return [result, Math.round(longest)];
  } finally {
    clearInterval(ticker);
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}
