import { meanRounds, summariseFolds } from '../evaluation/fold-summary';
import { candidateActivities } from './activity-options';
import type {
  CandidateEvaluation,
  CandidateOutcome,
  CandidateWorkflowInput,
  ScoredRows,
  TrainedModel,
  TrainingChannels,
} from './definitions';

/**
 * One candidate, scored for ranking and never on test: under holdout,
 * trained on the train split (early stopping on validation) and scored on
 * the validation split; under cross-validation, trained and scored once per
 * fold, its score the mean over the folds. A child workflow per candidate
 * keeps the parent's history small at N = 250 and shows each candidate's
 * own history in the Temporal UI.
 */
export async function candidateWorkflow(input: CandidateWorkflowInput): Promise<CandidateOutcome> {
  const { candidate, data } = input;
  if (data.protocol.method === 'holdout') {
    const { channels } = data;
    const { trained, evaluation } = await trainAndScore(
      input,
      { train: channels.train, validation: channels.validation },
      { split: 'validation', channel: channels.validation },
    );
    return {
      candidateId: candidate.id,
      metrics: evaluation.metrics,
      fittedRounds: trained.fittedRounds,
      trainingMs: trained.trainingMs,
      modelDir: trained.modelDir,
      rankingPredictions: keptPredictions([evaluation]),
    };
  }
  // Folds one after another: the run's lanes (maxParallel) already fill the cores.
  const folds: { trained: TrainedModel; evaluation: CandidateEvaluation }[] = [];
  for (const [index, channels] of data.folds.entries()) {
    const fold = index + 1;
    folds.push(
      await trainAndScore(input, channels, {
        split: 'validation',
        channel: channels.validation,
        fold,
      }),
    );
  }
  const { mean, spread } = summariseFolds(folds.map((one) => one.evaluation.metrics));
  return {
    candidateId: candidate.id,
    metrics: mean,
    spread,
    fittedRounds: meanRounds(folds.map((one) => one.trained.fittedRounds)),
    trainingMs: folds.reduce((sum, one) => sum + one.trained.trainingMs, 0),
    rankingPredictions: keptPredictions(folds.map((one) => one.evaluation)),
  };
}

/** The ranking predictions' files, one per evaluation, or none if any evaluation kept none. */
function keptPredictions(evaluations: CandidateEvaluation[]): string[] | undefined {
  const files = evaluations.map((one) => one.predictions);
  return files.every((file): file is string => file !== undefined) ? files : undefined;
}

async function trainAndScore(
  input: CandidateWorkflowInput,
  channels: TrainingChannels,
  rows: ScoredRows,
): Promise<{ trained: TrainedModel; evaluation: CandidateEvaluation }> {
  const { candidate, config, data } = input;
  const { trainCandidate, evaluateCandidate } = candidateActivities(
    config.candidates,
    input.trainingTaskQueue,
  );
  const trained = await trainCandidate({
    runId: input.runId,
    candidate,
    task: config.dataset.task,
    target: config.dataset.target,
    positiveClass: config.dataset.positiveClass,
    channels,
    fold: rows.fold,
    concurrentTrainings: config.candidates.maxParallel,
    backend: input.backend,
  });
  const evaluation = await evaluateCandidate({
    runId: input.runId,
    candidate,
    task: config.dataset.task,
    target: config.dataset.target,
    classes: data.classes,
    modelDir: trained.modelDir,
    rows,
    backend: input.backend,
  });
  return { trained, evaluation };
}
