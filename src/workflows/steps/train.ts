import { executeChild } from '@temporalio/workflow';
import type { ScoredCandidate } from '../../evaluation/select';
import { mapBounded } from '../bounded';
import { candidateWorkflow } from '../candidate';
import { generateCandidates } from '../candidate-generator';
import type { Candidate, PreparedData } from '../definitions';
import { guidedSearch } from '../guided-search';
import type { RunState } from '../run-state';
import { searchSpaces } from '../../config/search-spaces';

/**
 * Step 2: the candidates of the search space, each a child workflow (train,
 * then score on validation or by cross-validation; never on test), at most
 * `maxParallel` at once: all drawn up front (random, grid), or asked for
 * one by one from the scores so far (tpe). A failed candidate is recorded
 * and left out; the step fails only when the run is cancelled.
 */
export function train(run: RunState, data: PreparedData): Promise<ScoredCandidate[]> {
  const { candidates: space, dataset, objective } = run.config;
  return run.step(
    'train',
    async () => {
      if (space.strategy === 'tpe') {
        return guidedSearch({
          candidates: space,
          spaces: searchSpaces(space, dataset.task),
          objective,
          suggest: (request) => run.activities.suggestCandidate(request),
          trainOne: (candidate) => trainOne(run, data, candidate),
        });
      }
      const candidates = run.track(generateCandidates(space, dataset.task));
      const scored = await mapBounded(candidates, space.maxParallel, (candidate) =>
        trainOne(run, data, candidate),
      );
      return scored.filter((one): one is ScoredCandidate => one !== undefined);
    },
    (scored) => ({
      note: `${scored.length} of ${space.count} candidates trained (${space.strategy} search)`,
    }),
  );
}

/** One candidate's child workflow; undefined when it failed (its status says why). */
async function trainOne(
  run: RunState,
  data: PreparedData,
  candidate: Candidate,
): Promise<ScoredCandidate | undefined> {
  const { config, runId } = run;
  const outcome = await run.trainAndEvaluate(candidate, () =>
    executeChild(candidateWorkflow, {
      workflowId: `${runId}-${candidate.id}`,
      args: [
        {
          runId,
          candidate,
          config: { dataset: config.dataset, candidates: config.candidates },
          data: {
            channels: data.channels,
            folds: data.folds,
            protocol: data.protocol,
            classes: data.classes,
          },
          backend: run.backend,
          trainingTaskQueue: run.trainingTaskQueue,
        },
      ],
    }),
  );
  if (!outcome) return undefined;
  const { id, index, algorithm, hyperparameters, seed } = candidate;
  return {
    id,
    index,
    algorithm,
    hyperparameters,
    seed,
    metrics: outcome.metrics,
    spread: outcome.spread,
    fittedRounds: outcome.fittedRounds,
    modelDir: outcome.modelDir,
    rankingPredictions: outcome.rankingPredictions,
  };
}
