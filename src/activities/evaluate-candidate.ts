import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Trainer, Predictions } from '../backends/trainer';
import { readDataset } from '../dataset/read-dataset';
import { computeMetrics } from '../evaluation/metrics';
import type { MetricName, Task } from '../evaluation/metric-names';
import { metricInputOf, UnknownLabelError } from '../evaluation/prediction-input';
import type {
  CandidateEvaluation,
  EvaluateCandidateInput,
  ScoredRows,
} from '../workflows/definitions';
import { candidateDir, candidateJobName } from './artifact-paths';
import type { BackendResolver } from '../backends/backend-resolver';
import { startHeartbeats } from './heartbeat';
import { FAILURE } from '../shared/failure-types';
import { writeFileAtomic } from '../shared/atomic-write';
import type { BackendTarget } from '../backends/backend-target';
import type { RunFiles } from './run-files';

/**
 * evaluateCandidate: the model's own inference functions predict the rows it
 * is scored on (the validation split or a fold's held-out rows for ranking;
 * the test split once, for the chosen model), and the metrics are computed
 * here, in TypeScript, the one implementation both backends share.
 */
export function createEvaluateCandidate(
  artifactsRoot: string,
  backends: BackendResolver,
  files: RunFiles,
) {
  return async function evaluateCandidate(
    input: EvaluateCandidateInput,
  ): Promise<CandidateEvaluation> {
    const { rows } = input;
    const fold = rows.fold === undefined ? [] : [`fold-${rows.fold}`];
    return evaluateModel(backends.of(input.backend).trainer, files, {
      runId: input.runId,
      backend: input.backend,
      predictionsKey: path.posix.join(
        'candidates',
        input.candidate.id,
        ...fold,
        RANKING_PREDICTIONS,
      ),
      jobName: `${candidateJobName(input.runId, input.candidate.id, rows.fold)}-eval-${rows.split}`,
      algorithm: input.candidate.algorithm,
      modelDir: input.modelDir,
      workDir: candidateDir(artifactsRoot, input.runId, input.candidate.id, rows.fold),
      rows,
      target: input.target,
      task: input.task,
      modelName: input.candidate.id,
    });
  };
}

export interface ModelToEvaluate {
  runId: string;
  backend: BackendTarget | undefined;
  /** Where under the run its ranking predictions are kept, on a backend with a store. */
  predictionsKey: string;
  jobName: string;
  algorithm: string;
  modelDir: string;
  workDir: string;
  rows: ScoredRows;
  target: string;
  task: Task;
  /** For messages: which model this is (a candidate id, or the champion's version). */
  modelName: string;
}

/** Predictions of a model on one split, through its own inference functions, and their metrics. */
export async function evaluateModel(
  trainer: Trainer,
  files: RunFiles,
  model: ModelToEvaluate,
): Promise<CandidateEvaluation> {
  const inputFile = await files.channelFile(
    model.rows.channel,
    `${model.rows.split}.csv`,
    model.backend,
  );
  const heartbeats = startHeartbeats();
  let predictions: Predictions;
  try {
    predictions = await trainer.predict(
      {
        jobName: model.jobName,
        algorithm: model.algorithm,
        modelDir: model.modelDir,
        inputFile,
        workDir: model.workDir,
      },
      heartbeats,
    );
  } finally {
    heartbeats.stop();
  }
  const truth = await readTruth(inputFile, model.target);
  const metrics = metricsFor(model, truth, predictions);
  if (model.rows.split !== 'validation') return { metrics, rows: truth.length };
  // Ranking predictions are kept for ensemble selection (select step), which
  // reads them from here (or S3): the workflow carries the location, never the rows.
  const predictionsFile = path.join(model.workDir, RANKING_PREDICTIONS);
  await writeFileAtomic(predictionsFile, JSON.stringify(predictions));
  const kept = await files.keep(model.runId, model.predictionsKey, predictionsFile, model.backend);
  return { metrics, rows: truth.length, predictions: kept };
}

/** The file in a candidate's (or fold's) folder that keeps its predictions on the rows it was ranked on. */
export const RANKING_PREDICTIONS = 'ranking-predictions.json';

/** The target column of a split, as the labels (or values) the metrics compare against. */
export async function readTruth(file: string, target: string): Promise<string[]> {
  const rows = await readDataset(file);
  const column = rows.header.indexOf(target);
  return rows.rows.map((row) => (row.fields[column] ?? '').trim());
}

function metricsFor(
  model: ModelToEvaluate,
  truth: string[],
  predictions: Predictions,
): Partial<Record<MetricName, number>> {
  try {
    return computeMetrics(metricInputOf(model.task, truth, predictions));
  } catch (error) {
    if (!(error instanceof UnknownLabelError)) throw error;
    throw ApplicationFailure.nonRetryable(
      `the ${model.rows.split} split has label '${error.label}', which the model of ${model.modelName} never saw (its classes: ${error.classes.join(', ')})`,
      FAILURE.evaluation,
    );
  }
}
