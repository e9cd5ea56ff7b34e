import { ApplicationFailure } from '@temporalio/workflow';
import { FAILURE } from '../../shared/failure-types';
import { isEnsembleOn } from '../../config/pipeline-schema';
import { DEFAULT_ENSEMBLE_ROUNDS } from '../../evaluation/ensemble-selection';
import { rankCandidates, type LeaderboardRow, type ScoredCandidate } from '../../evaluation/select';
import { mapBounded } from '../bounded';
import type { PreparedData } from '../definitions';
import type { RunState } from '../run-state';

/** The candidate id and algorithm an ensemble has on the leaderboard and in the registry. */
export const ENSEMBLE = 'ensemble';

/**
 * The most candidates ensemble selection chooses from, the best-ranked
 * first: each round scores every one of them, and members past the top
 * fifty are rarely picked.
 */
const MAX_LIBRARY = 50;

/**
 * The ensemble as one more candidate (select step): greedy ensemble
 * selection over the candidates' ranking predictions, scored on the same
 * rows. Undefined when the pipeline has it off, fewer than two candidates
 * kept predictions, or selection kept the best single candidate alone (then
 * the ensemble would be that candidate again). Its index follows every
 * candidate's, so a tie goes to the single model.
 */
export async function offerEnsemble(
  run: RunState,
  data: PreparedData,
  scored: ScoredCandidate[],
): Promise<ScoredCandidate | undefined> {
  const { config } = run;
  if (!isEnsembleOn(config.candidates)) return undefined;
  const ranking = rankCandidates(
    scored.filter((one) => one.rankingPredictions !== undefined),
    config.objective,
  );
  const library = ranking.leaderboard
    .filter((row) => row.objectiveValue !== undefined)
    .slice(0, MAX_LIBRARY);
  if (library.length < 2) {
    run.ensembleNote = `no ensemble: ${library.length} candidate(s) with ranking predictions, 2 needed`;
    return undefined;
  }
  const choice = await run.activities.selectEnsemble({
    runId: run.runId,
    task: config.dataset.task,
    target: config.dataset.target,
    objective: config.objective,
    rankingRows:
      data.protocol.method === 'cv'
        ? data.folds.map((fold) => fold.validation)
        : [data.channels.validation],
    members: library.map((row) => ({ id: row.id, predictions: row.rankingPredictions ?? [] })),
    rounds: DEFAULT_ENSEMBLE_ROUNDS,
    backend: run.backend,
  });
  if (choice.weights.length < 2) {
    run.ensembleNote = `no ensemble: selection kept ${choice.bestSingleId} alone (no blend scored better)`;
    return undefined;
  }
  run.ensembleNote =
    `ensemble of ${choice.weights.length} of ${library.length} candidates (${choice.rounds} rounds); ` +
    'its ranking score is measured on the same rows its weights were chosen on, so it is slightly optimistic';
  return {
    id: ENSEMBLE,
    index: Math.max(...scored.map((one) => one.index)) + 1,
    algorithm: ENSEMBLE,
    hyperparameters: {},
    seed: 0,
    metrics: choice.metrics,
    spread: choice.spread,
    members: choice.weights,
  };
}

/**
 * The chosen ensemble's model: each member refit on train + validation
 * (`refitOne`, the single model's path, at most maxParallel at once) or as
 * trained, then built into one model by the backend.
 */
export async function buildEnsembleModel(
  run: RunState,
  best: LeaderboardRow,
  refitOne: (row: LeaderboardRow) => Promise<string>,
): Promise<string> {
  const weights = best.members ?? [];
  const rows = weights.map(({ id }) => {
    const row = run.leaderboard.find((one) => one.id === id);
    if (!row) {
      throw ApplicationFailure.nonRetryable(
        `ensemble member ${id} is not on the leaderboard`,
        FAILURE.ensemble,
      );
    }
    return row;
  });
  const modelDirs = await mapBounded(rows, run.config.candidates.maxParallel, refitOne);
  const built = await run.activities.buildEnsemble({
    runId: run.runId,
    members: weights.map(({ id, weight }, i) => ({ id, weight, modelDir: modelDirs[i] ?? '' })),
    backend: run.backend,
  });
  return built.modelDir;
}
