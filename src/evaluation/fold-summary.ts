import type { MetricName } from './metric-names';

type MetricValues = Partial<Record<MetricName, number>>;

/**
 * Cross-validated scores: each metric's mean over the folds and its sample
 * standard deviation (n - 1, as a spread of k estimates). A metric missing
 * or NaN in any fold is left out of both, so no mean hides a fold it could
 * not score. Pure: the candidate workflow calls it.
 */
export function summariseFolds(folds: readonly MetricValues[]): {
  mean: MetricValues;
  spread: MetricValues;
} {
  const mean: MetricValues = {};
  const spread: MetricValues = {};
  const names = new Set(folds.flatMap((fold) => Object.keys(fold) as MetricName[]));
  for (const name of names) {
    const values = folds.map((fold) => fold[name]);
    if (values.some((value) => value === undefined || !Number.isFinite(value))) continue;
    const numbers = values as number[];
    const average = numbers.reduce((sum, value) => sum + value, 0) / numbers.length;
    const squares = numbers.reduce((sum, value) => sum + (value - average) ** 2, 0);
    mean[name] = average;
    spread[name] = numbers.length > 1 ? Math.sqrt(squares / (numbers.length - 1)) : 0;
  }
  return { mean, spread };
}

/** The rounds a refit boosts: the folds' early-stopping rounds, averaged and rounded. */
export function meanRounds(rounds: readonly (number | undefined)[]): number | undefined {
  if (rounds.length === 0 || rounds.some((value) => value === undefined)) return undefined;
  const total = (rounds as number[]).reduce((sum, value) => sum + value, 0);
  return Math.max(1, Math.round(total / rounds.length));
}
