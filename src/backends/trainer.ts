import { z } from 'zod';
import { datasetTargetSchema } from '../config/pipeline-schema';

/**
 * Training and batch prediction for one backend (DESIGN.md §3): the local
 * backend runs the algorithm's scripts as processes, the SageMaker backend as
 * training and transform jobs. Inputs and outputs are plain data.
 */
export const trainingJobSchema = z.strictObject({
  /** Unique per run and candidate (`ferry-<run>-c07`), so a retry finds its own job. */
  jobName: z.string().min(1),
  /** The run the job belongs to: the SageMaker backend keeps its data under the run's prefix. */
  runId: z.string().min(1),
  algorithm: z.string().min(1),
  ...datasetTargetSchema.shape,
  hyperparameters: z.record(z.string(), z.number()),
  seed: z.number().int(),
  /** Folders with train.csv and validation.csv; a refit on train + validation has no validation. */
  channels: z.strictObject({ train: z.string(), validation: z.string().optional() }),
  /**
   * Which rows the channels hold ('holdout', 'fold-2', 'train-validation'):
   * one name per set, so the SageMaker backend keeps each set's copy apart.
   */
  channelSet: z.string().regex(/^[a-z0-9-]+$/),
  /** Where this job keeps its model, output and log. */
  workDir: z.string(),
  threads: z.number().int().min(1),
});
export type TrainingJob = z.infer<typeof trainingJobSchema>;

export const trainingOutcomeSchema = z.object({
  modelDir: z.string(),
  validationMetrics: z.record(z.string(), z.number()),
  /** Rounds (XGBoost) or iterations (histogram boosting) that early stopping kept. */
  fittedRounds: z.number().int().min(1).optional(),
});
export type TrainingOutcome = z.infer<typeof trainingOutcomeSchema>;

export const predictionJobSchema = z.strictObject({
  jobName: z.string().min(1),
  algorithm: z.string().min(1),
  modelDir: z.string(),
  /** A CSV with a header; a target column in it is ignored. */
  inputFile: z.string(),
  workDir: z.string(),
});
export type PredictionJob = z.infer<typeof predictionJobSchema>;

/** What the algorithm's inference functions answered for a batch. */
export const predictionsSchema = z.union([
  z.object({
    classes: z.array(z.string()),
    probabilities: z.array(z.array(z.number())),
    labels: z.array(z.string()),
  }),
  z.object({ predictions: z.array(z.number()) }),
]);
export type Predictions = z.infer<typeof predictionsSchema>;

/**
 * One ensemble model from its members' models (ensemble selection chose the
 * weights): the members' pipelines averaged inside one model.joblib, which
 * the ensemble's inference functions serve like any model.
 */
export const ensembleJobSchema = z.strictObject({
  /** Unique per run and step (`ferry-<run>-ensemble`), so a retry rebuilds the same model in the same place. */
  jobName: z.string().min(1),
  runId: z.string().min(1),
  members: z
    .array(z.strictObject({ id: z.string(), modelDir: z.string(), weight: z.number().positive() }))
    .min(1),
  /** Where the build keeps its spec, log and (locally) the model. */
  workDir: z.string(),
});
export type EnsembleJob = z.infer<typeof ensembleJobSchema>;

export const progressSchema = z.object({
  stage: z.string(),
  fraction: z.number(),
});
export type Progress = z.infer<typeof progressSchema>;

export interface JobControls {
  signal: AbortSignal;
  onProgress(progress: Progress): void;
}

export interface Trainer {
  train(job: TrainingJob, controls: JobControls): Promise<TrainingOutcome>;
  predict(job: PredictionJob, controls: JobControls): Promise<Predictions>;
  /** Builds an ensemble's model where its members' models are kept (a folder, or S3); returns where it is. */
  buildEnsemble(job: EnsembleJob, controls: JobControls): Promise<{ modelDir: string }>;
}

/** A job that failed because of its inputs (exit code 2): retrying cannot help. */
export class JobInputError extends Error {
  readonly type = 'JobInputError';
}
