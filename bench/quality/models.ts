import os from 'node:os';
import path from 'node:path';
import type { AlgorithmName } from '../../src/config/algorithm-catalog';
import { LocalTrainer } from '../../src/backends/local/local-trainer';
import type { JobControls, Predictions } from '../../src/backends/trainer';
import { predictInWorker } from '../../src/python/batch-predict';
import type { QualityDataset } from './datasets';

/** Nothing to report or cancel: the benchmark's own jobs run to the end. */
const CONTROLS: JobControls = { signal: new AbortController().signal, onProgress: () => undefined };

/** Every default model's seed (train.py's `--seed`, every random_state). */
const DEFAULT_SEED = 1;

/** The four algorithms, each a baseline with its library's defaults, in the order. */
export const BASELINE_ALGORITHMS: readonly AlgorithmName[] = [
  'xgboost',
  'hist-gradient-boosting',
  'random-forest',
  'linear',
];

/**
 * One algorithm with its library's defaults on the 75% file: the local
 * backend's trainer (the script-mode contract Ferry's own candidates run
 * under, so the same preprocessing inside the saved pipeline), no
 * hyperparameters and a train channel only. Without a validation channel
 * there is no early stopping, so every setting is the library's.
 */
export async function trainDefault(
  dataset: QualityDataset,
  learnChannel: string,
  algorithm: string,
  workDir: string,
): Promise<string> {
  const outcome = await new LocalTrainer().train(
    {
      jobName: `bench-quality-${dataset.name}-${algorithm}-default`,
      runId: 'bench-quality',
      algorithm,
      target: dataset.target,
      task: dataset.task,
      positiveClass: dataset.positiveClass,
      hyperparameters: {},
      seed: DEFAULT_SEED,
      channels: { train: learnChannel },
      channelSet: 'learn',
      workDir,
      threads: os.availableParallelism(),
    },
    CONTROLS,
  );
  return outcome.modelDir;
}

/** A model folder's predictions of the held-back rows, through its own inference functions. */
export function predictHeldBack(
  algorithm: string,
  modelDir: string,
  heldBackFile: string,
  workDir: string,
): Promise<Predictions> {
  return predictInWorker(
    {
      jobName: `bench-quality-predict-${path.basename(workDir)}`,
      algorithm,
      modelDir,
      inputFile: heldBackFile,
      workDir,
    },
    CONTROLS,
  );
}
