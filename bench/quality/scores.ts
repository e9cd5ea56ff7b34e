import { computeMetrics, type MetricInput } from '../../src/evaluation/metrics';
import { isHigherBetter, type MetricName } from '../../src/evaluation/metric-names';
import { SeededRandom } from '../../src/shared/seeded-random';

/**
 * Pure scoring for the quality benchmark: predictions as the metric input
 * the project computes from, a metric on any subset of rows (for the
 * bootstrap), the bootstrap interval, and the signed margin.
 */

/** The rows of `input` at `indices` (repeats allowed), the same shape. */
export function subsetOf(input: MetricInput, indices: readonly number[]): MetricInput {
  const at = <T>(values: readonly T[]): T[] => indices.map((i) => values[i] as T);
  switch (input.task) {
    case 'binary':
      return { task: 'binary', yTrue: at(input.yTrue), scores: at(input.scores) };
    case 'multiclass':
      return {
        task: 'multiclass',
        yTrue: at(input.yTrue),
        probabilities: at(input.probabilities),
        classCount: input.classCount,
      };
    case 'regression':
      return { task: 'regression', yTrue: at(input.yTrue), yPred: at(input.yPred) };
  }
}

/** NaN when the metric is undefined on these rows (ROC AUC of one class). */
export function scoreOf(input: MetricInput, metric: MetricName): number {
  return computeMetrics(input)[metric] ?? Number.NaN;
}

export interface BootstrapInterval {
  low: number;
  high: number;
  resamples: number;
  /** Resamples whose metric was undefined (NaN), left out of the interval. */
  undefinedResamples: number;
}

/**
 * The 95% percentile bootstrap interval of `metric`: the rows resampled
 * with replacement `resamples` times (seeded: the same rows for every model
 * scored on the same held-back set, so intervals compare like for like),
 * the metric recomputed on each, and its 2.5th and 97.5th percentiles.
 */
export function bootstrapInterval(
  input: MetricInput,
  metric: MetricName,
  resamples: number,
  seed: number,
  level = 0.95,
): BootstrapInterval {
  const rows = input.yTrue.length;
  const random = new SeededRandom(seed);
  const values: number[] = [];
  let undefinedResamples = 0;
  for (let r = 0; r < resamples; r++) {
    const indices = Array.from({ length: rows }, () => random.int(0, rows - 1));
    const value = scoreOf(subsetOf(input, indices), metric);
    if (Number.isNaN(value)) undefinedResamples += 1;
    else values.push(value);
  }
  values.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return {
    low: quantile(values, tail),
    high: quantile(values, 1 - tail),
    resamples,
    undefinedResamples,
  };
}

/** The q-quantile of sorted values, interpolated linearly (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (upper - lower) * (position - below);
}

/**
 * How much better `score` is than `reference` on `metric`: positive when
 * better, whichever way the metric improves; `relativePercent` is the
 * margin as a share of the reference's magnitude.
 */
export function marginOver(
  metric: MetricName,
  score: number,
  reference: number,
): { margin: number; relativePercent: number } {
  const margin = isHigherBetter(metric) ? score - reference : reference - score;
  return { margin, relativePercent: (margin / Math.abs(reference)) * 100 };
}

/** The best of `scores` in the metric's direction; undefined if none. */
export function bestOf<T extends { score: number }>(
  metric: MetricName,
  scores: T[],
): T | undefined {
  const usable = scores.filter((entry) => !Number.isNaN(entry.score));
  return usable.reduce<T | undefined>(
    (best, entry) =>
      best === undefined || marginOver(metric, entry.score, best.score).margin > 0 ? entry : best,
    undefined,
  );
}

/**
 * Checks, run before the benchmark (jest only looks under test/, so these
 * cannot be a unit test here): a perfect predictor's interval is one point,
 * the margin's sign follows the metric's direction, quantiles interpolate.
 * Throws on the first that fails.
 */
export function selfCheck(): void {
  const perfect: MetricInput = {
    task: 'regression',
    yTrue: [1, 2, 3, 5, 8],
    yPred: [1, 2, 3, 5, 8],
  };
  const perfectInterval = bootstrapInterval(perfect, 'rmse', 200, 1);
  check(
    'a perfect predictor has rmse interval [0, 0]',
    perfectInterval.low === 0 && perfectInterval.high === 0,
  );
  const separable: MetricInput = {
    task: 'binary',
    yTrue: [0, 0, 1, 1, 0, 1],
    scores: [0.1, 0.2, 0.8, 0.9, 0.3, 0.7],
  };
  const aucInterval = bootstrapInterval(separable, 'roc_auc', 200, 1);
  check(
    'a separating scorer has roc_auc interval [1, 1]',
    aucInterval.low === 1 && aucInterval.high === 1,
  );
  check(
    'roc_auc 0.9 over 0.8 is a margin of +0.1',
    near(marginOver('roc_auc', 0.9, 0.8).margin, 0.1),
  );
  check(
    'rmse 3 under 4 is a margin of +1 (25%)',
    near(marginOver('rmse', 3, 4).relativePercent, 25),
  );
  check(
    'log_loss 0.5 over 0.4 is a margin of -0.1',
    near(marginOver('log_loss', 0.5, 0.4).margin, -0.1),
  );
  check('the median of 1..4 is 2.5', quantile([1, 2, 3, 4], 0.5) === 2.5);
  const noisy: MetricInput = {
    task: 'regression',
    yTrue: [1, 2, 3, 4, 5, 6, 7, 8],
    yPred: [1.5, 1.8, 3.9, 3.6, 5.2, 5.1, 7.7, 8.4],
  };
  const point = scoreOf(noisy, 'rmse');
  const interval = bootstrapInterval(noisy, 'rmse', 500, 2);
  check(
    'a noisy predictor has an interval of positive width around its score',
    interval.low < point && point < interval.high,
  );
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

function check(what: string, isTrue: boolean): void {
  if (!isTrue) throw new Error(`quality: self-check failed: ${what}`);
}
