import type { Task } from '../evaluation/metric-names';

/**
 * Training and batch prediction for one backend (DESIGN.md §3): the local
 * backend runs the algorithm's scripts as processes, the SageMaker backend as
 * training and transform jobs. Inputs and outputs are plain data.
 */
export interface TrainingJob {
  /** Unique per run and candidate (`ferry-<run>-c07`), so a retry finds its own job. */
  jobName: string;
  /** The run the job belongs to: the SageMaker backend keeps its data under the run's prefix. */
  runId: string;
  algorithm: string;
  task: Task;
  target: string;
  positiveClass?: string;
  hyperparameters: Record<string, number>;
  seed: number;
  channels: { train: string; validation: string };
  /** Where this job keeps its model, output and log. */
  workDir: string;
  threads: number;
}

export interface TrainingOutcome {
  modelDir: string;
  validationMetrics: Record<string, number>;
}

export interface PredictionJob {
  jobName: string;
  algorithm: string;
  modelDir: string;
  /** A CSV with a header; a target column in it is ignored. */
  inputFile: string;
  workDir: string;
}

/** What the algorithm's inference functions answered for a batch. */
export type Predictions =
  { classes: string[]; probabilities: number[][]; labels: string[] } | { predictions: number[] };

export interface Progress {
  stage: string;
  fraction: number;
}

export interface JobControls {
  signal: AbortSignal;
  onProgress(progress: Progress): void;
}

export interface Trainer {
  train(job: TrainingJob, controls: JobControls): Promise<TrainingOutcome>;
  predict(job: PredictionJob, controls: JobControls): Promise<Predictions>;
}

/** A job that failed because of its inputs (exit code 2): retrying cannot help. */
export class JobInputError extends Error {
  readonly type = 'JobInputError';
}
