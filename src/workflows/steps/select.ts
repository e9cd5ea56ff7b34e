import { ApplicationFailure } from '@temporalio/workflow';
import { ALGORITHMS, type AlgorithmSpec } from '../../config/algorithm-catalog';
import { checkChampionGate } from '../../evaluation/champion-gate';
import {
  checkGates,
  rankCandidates,
  type ChosenModel,
  type LeaderboardRow,
  type ScoredCandidate,
} from '../../evaluation/select';
import { FAILURE } from '../../shared/failure-types';
import type { Candidate, PreparedData } from '../definitions';
import type { RunState } from '../run-state';
import { buildEnsembleModel, offerEnsemble } from './ensemble';

/**
 * Step 3: rank the candidates on their validation or cross-validation
 * scores, with a weighted ensemble of them as one more candidate when the
 * pipeline offers one (steps/ensemble.ts); refit the best configuration on
 * train + validation (an ensemble: each of its members); score that
 * model once on the test split, the only read of test in the run besides
 * the champion's; check its test score against the threshold gates and, if
 * the pipeline asks, against the group's champion on the same rows.
 * Undefined when no model may go forward (the run's reason says why); a run
 * whose candidates all failed fails here.
 */
export function select(
  run: RunState,
  data: PreparedData,
  scored: ScoredCandidate[],
): Promise<ChosenModel | undefined> {
  const { config } = run;
  return run.step(
    'select',
    async () => {
      if (scored.length === 0) {
        const firstError = run.statuses().find((status) => status.error !== undefined)?.error;
        throw ApplicationFailure.nonRetryable(
          `all ${run.statuses().length} candidates failed; the first error: ${firstError ?? 'unknown'}`,
          FAILURE.allCandidatesFailed,
        );
      }
      const ensemble = await offerEnsemble(run, data, scored);
      const ranking = rankCandidates(ensemble ? [...scored, ensemble] : scored, config.objective);
      run.leaderboard = ranking.leaderboard;
      if (ranking.outcome === 'no-candidate-passed') {
        run.reason = ranking.reason;
        return undefined;
      }
      const { chosen, gateFailure } = await scoreOnTest(run, data, ranking.best);
      run.winner = chosen;
      if (gateFailure !== undefined) {
        run.reason = gateFailure;
        return undefined;
      }
      if (config.gates.champion.enabled) {
        const champion = await run.activities.evaluateChampion({
          runId: run.runId,
          group: config.modelGroup,
          task: config.dataset.task,
          target: config.dataset.target,
          rows: { split: 'test', channel: data.channels.test },
          backend: run.backend,
        });
        run.championGate = checkChampionGate(
          config.objective,
          { id: chosen.id, objectiveValue: chosen.testObjectiveValue },
          champion.found ? champion : undefined,
          config.gates.champion.margin,
        );
        if (!run.championGate.passed) {
          run.reason = `champion gate: ${run.championGate.reason}`;
          return undefined;
        }
      }
      return chosen;
    },
    (chosen) => ({
      note: [
        chosen
          ? `${chosen.id} (${chosen.algorithm}) selected; test ${config.objective} ${chosen.testObjectiveValue ?? 'n/a'} on ${chosen.testRows} rows`
          : run.reason,
        run.ensembleNote,
      ]
        .filter(Boolean)
        .join('; '),
    }),
  );
}

/** The best configuration as it is registered: refit (or as trained), then scored on test once. */
async function scoreOnTest(
  run: RunState,
  data: PreparedData,
  best: LeaderboardRow,
): Promise<{ chosen: ChosenModel; gateFailure?: string }> {
  const { config } = run;
  const isEnsemble = best.members !== undefined;
  // An ensemble has no model of its own: its members are refit (or kept as trained).
  const refit = data.protocol.refit || (best.modelDir === undefined && !isEnsemble);
  const lanes = config.candidates.maxParallel;
  const { candidate, modelDir } = isEnsemble
    ? {
        candidate: asCandidate(best),
        modelDir: await buildEnsembleModel(
          run,
          best,
          async (member) => (await modelOf(run, data, member, refit, lanes)).modelDir,
        ),
      }
    : // The refit is the only training left: it may take every core.
      await modelOf(run, data, best, refit, 1);
  const evaluation = await run.activities.evaluateCandidate({
    runId: run.runId,
    candidate,
    task: config.dataset.task,
    target: config.dataset.target,
    classes: data.classes,
    modelDir,
    rows: { split: 'test', channel: data.channels.test },
    backend: run.backend,
  });
  const gates = checkGates(best, evaluation.metrics, config.gates.thresholds);
  const testValue = evaluation.metrics[config.objective];
  const chosen: ChosenModel = {
    ...best,
    hyperparameters: candidate.hyperparameters,
    modelDir,
    trainedOn: refit ? 'train+validation' : 'train',
    trainingRows: refit ? data.rows.train + data.rows.validation : data.rows.train,
    test: evaluation.metrics,
    testRows: evaluation.rows,
    testObjectiveValue:
      testValue !== undefined && Number.isFinite(testValue) ? testValue : undefined,
    gates: gates.verdicts,
    passedGates: gates.passed,
  };
  return { chosen, gateFailure: gates.reason };
}

/**
 * A configuration's model as it goes forward: refit on train + validation
 * (`concurrentTrainings` at once share the cores), or the candidate's own.
 */
async function modelOf(
  run: RunState,
  data: PreparedData,
  row: LeaderboardRow,
  refit: boolean,
  concurrentTrainings: number,
): Promise<{ candidate: Candidate; modelDir: string }> {
  const candidate = asCandidate(row);
  if (!refit) return { candidate, modelDir: row.modelDir ?? '' };
  const refitCandidate: Candidate = {
    ...candidate,
    id: `${row.id}-refit`,
    hyperparameters: refitHyperparameters(row),
  };
  const { config } = run;
  const trained = await run.activities.trainCandidate({
    runId: run.runId,
    candidate: refitCandidate,
    task: config.dataset.task,
    target: config.dataset.target,
    positiveClass: config.dataset.positiveClass,
    channels: { train: data.channels.trainValidation },
    concurrentTrainings,
    backend: run.backend,
  });
  return { candidate: refitCandidate, modelDir: trained.modelDir };
}

function asCandidate(row: LeaderboardRow): Candidate {
  const { id, index, algorithm, hyperparameters, seed } = row;
  return { id, index, algorithm, hyperparameters, seed };
}

/**
 * The refit trains as many rounds as early stopping kept (the folds' mean
 * under cross-validation); with no early stopping, the configuration as drawn.
 */
function refitHyperparameters(best: LeaderboardRow): Record<string, number> {
  const spec: AlgorithmSpec | undefined = (ALGORITHMS as Record<string, AlgorithmSpec>)[
    best.algorithm
  ];
  if (spec?.rounds === undefined || best.fittedRounds === undefined) return best.hyperparameters;
  return { ...best.hyperparameters, [spec.rounds]: best.fittedRounds };
}
