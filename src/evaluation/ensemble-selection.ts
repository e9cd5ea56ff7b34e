import { computeMetrics, type MetricValues } from './metrics';
import { isHigherBetter, type MetricName, type Task } from './metric-names';

/**
 * Greedy ensemble selection (Caruana et al., 2004, "Ensemble selection from
 * libraries of models"), as auto-sklearn and AutoGluon's weighted ensemble
 * do it: start from the best single model, then, each round, add (with
 * replacement) the model whose addition makes the average of the chosen
 * ones best on the objective. A model's weight is how often it was chosen,
 * over the rounds. As AutoGluon does, the result is the best ensemble seen
 * over the rounds, the earliest when later rounds only tie it, so extra
 * rounds never make it worse on these rows.
 *
 * Pure and deterministic: the same predictions give the same weights.
 */

/** One model's predictions on the scoring rows: per row, class probabilities, or one prediction (regression). */
export interface EnsembleMember {
  id: string;
  outputs: readonly (readonly number[])[];
}

export interface EnsembleSelectionInput {
  task: Task;
  objective: MetricName;
  /** Class index per row (classification), or the true value (regression). */
  yTrue: readonly number[];
  /** Classification: the number of classes, the length of each output row. */
  classCount?: number;
  members: readonly EnsembleMember[];
  /** Rounds of selection, the first being the best single model (default 25). */
  rounds?: number;
}

export interface EnsembleSelection {
  /** The chosen members, in input order, each with its share of the rounds (they sum to 1). */
  weights: { id: string; weight: number }[];
  /** Every metric of the weighted average on the same rows the weights were chosen on. */
  metrics: MetricValues;
  /** The best single member, where selection started. */
  bestSingleId: string;
  /** How many rounds the kept ensemble took (its weights are counts over this). */
  rounds: number;
}

export const DEFAULT_ENSEMBLE_ROUNDS = 25;

export function selectEnsemble(input: EnsembleSelectionInput): EnsembleSelection {
  const rounds = selectionRounds(input);
  for (;;) {
    const next = rounds.next();
    if (next.done) return next.value;
  }
}

/**
 * The same selection one round at a time: it yields the round just done,
 * so an activity can heartbeat and let its event loop breathe between
 * rounds on large inputs, and returns the selection.
 */
export function* selectionRounds(
  input: EnsembleSelectionInput,
): Generator<number, EnsembleSelection, void> {
  const { members, objective } = input;
  if (members.length === 0) throw new Error('ensemble selection needs at least one member');
  const rounds = input.rounds ?? DEFAULT_ENSEMBLE_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`ensemble selection: rounds is ${rounds}; it must be a whole number >= 1`);
  }
  const width = members[0]?.outputs[0]?.length ?? 0;
  for (const member of members) {
    if (member.outputs.length !== input.yTrue.length) {
      throw new Error(
        `ensemble selection: member ${member.id} has ${member.outputs.length} predictions for ${input.yTrue.length} rows`,
      );
    }
  }
  const isBetter = better(objective);
  const scoreOf = (sum: readonly number[][], count: number) =>
    objectiveOf(input, sum, count, width);

  const counts = members.map(() => 0);
  let sum = zeros(input.yTrue.length, width);
  let chosenSoFar = 0;
  let best: { counts: number[]; score: number; metrics: MetricValues; rounds: number } | undefined;
  let bestSingleId = '';
  for (let round = 1; round <= rounds; round += 1) {
    let pick = -1;
    let pickScore = Number.NaN;
    let pickMetrics: MetricValues = {};
    for (const [index, member] of members.entries()) {
      const trial = add(sum, member.outputs);
      const metrics = scoreOf(trial, chosenSoFar + 1);
      const score = usable(metrics[objective]);
      if (pick === -1 || isBetter(score, pickScore)) {
        pick = index;
        pickScore = score;
        pickMetrics = metrics;
      }
    }
    const picked = members[pick] as EnsembleMember;
    sum = add(sum, picked.outputs);
    chosenSoFar += 1;
    counts[pick] = (counts[pick] ?? 0) + 1;
    if (round === 1) bestSingleId = picked.id;
    if (best === undefined || isBetter(pickScore, best.score)) {
      best = { counts: [...counts], score: pickScore, metrics: pickMetrics, rounds: round };
    }
    yield round;
  }
  const kept = best as NonNullable<typeof best>;
  return {
    weights: members.flatMap((member, index) => {
      const count = kept.counts[index] ?? 0;
      return count > 0 ? [{ id: member.id, weight: count / kept.rounds }] : [];
    }),
    metrics: kept.metrics,
    bestSingleId,
    rounds: kept.rounds,
  };
}

/**
 * Every metric of a weighted average of members on some rows: the
 * selection's own score, or (cross-validation) one fold's, so an ensemble's
 * ranking score is a mean over folds like every other candidate's.
 */
export function weightedAverageMetrics(
  input: Omit<EnsembleSelectionInput, 'objective' | 'rounds'>,
  weights: readonly { id: string; weight: number }[],
): MetricValues {
  const width = input.members[0]?.outputs[0]?.length ?? 0;
  let sum = zeros(input.yTrue.length, width);
  for (const { id, weight } of weights) {
    const member = input.members.find((one) => one.id === id);
    if (!member) throw new Error(`ensemble member ${id} has no predictions on these rows`);
    sum = add(
      sum,
      member.outputs.map((row) => row.map((value) => value * weight)),
    );
  }
  return objectiveOf(input, sum, 1, width);
}

/** Strictly better in the objective's direction; NaN is worse than any number. */
function better(objective: MetricName): (a: number, b: number) => boolean {
  const isHigher = isHigherBetter(objective);
  return (a, b) => {
    if (Number.isNaN(a)) return false;
    if (Number.isNaN(b)) return true;
    return isHigher ? a > b : a < b;
  };
}

function usable(value: number | undefined): number {
  return value === undefined ? Number.NaN : value;
}

/** The metrics of the average `sum / count`. */
function objectiveOf(
  input: Omit<EnsembleSelectionInput, 'objective' | 'rounds'>,
  sum: readonly number[][],
  count: number,
  width: number,
): MetricValues {
  const average = sum.map((row) => row.map((value) => value / count));
  switch (input.task) {
    case 'regression':
      return computeMetrics({
        task: 'regression',
        yTrue: input.yTrue,
        yPred: average.map((row) => row[0] ?? Number.NaN),
      });
    case 'binary':
      // Probabilities as [negative, positive], as train.py orders them.
      return computeMetrics({
        task: 'binary',
        yTrue: input.yTrue,
        scores: average.map((row) => clampProbability(row[1] ?? Number.NaN)),
      });
    case 'multiclass':
      return computeMetrics({
        task: 'multiclass',
        yTrue: input.yTrue,
        probabilities: average.map((row) => row.map(clampProbability)),
        classCount: input.classCount ?? width,
      });
  }
}

/** An average of probabilities can land a rounding error outside [0, 1]. */
function clampProbability(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

function zeros(rows: number, width: number): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(width).fill(0));
}

function add(sum: readonly number[][], outputs: readonly (readonly number[])[]): number[][] {
  return sum.map((row, i) => {
    const other = outputs[i] ?? [];
    return row.map((value, j) => value + (other[j] ?? Number.NaN));
  });
}
