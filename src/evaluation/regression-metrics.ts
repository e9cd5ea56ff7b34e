import { pairwiseMean, pairwiseSum } from './float-sum';
import type { METRICS_BY_TASK } from './metric-names';

/** Every regression metric, so the compiler notices one left out. */
export type RegressionMetrics = Record<(typeof METRICS_BY_TASK)['regression'][number], number>;

// float64 machine epsilon: sklearn's floor for |y| in the MAPE denominator.
const EPSILON = Number.EPSILON;

/**
 * Regression metrics as sklearn computes them (root_mean_squared_error,
 * mean_absolute_error, r2_score, mean_absolute_percentage_error), with
 * numpy's summation order. Inputs are checked by computeMetrics.
 */
export function regressionMetrics(
  yTrue: readonly number[],
  yPred: readonly number[],
): RegressionMetrics {
  const residuals = yTrue.map((actual, row) => actual - (yPred[row] as number));
  const absoluteErrors = residuals.map(Math.abs);
  return {
    rmse: Math.sqrt(pairwiseMean(residuals.map(square))),
    mae: pairwiseMean(absoluteErrors),
    r2: rSquared(yTrue, residuals),
    // Rows with y = 0 divide by eps: MAPE is then huge, as in sklearn, which
    // is the honest answer for a percentage error around zero.
    mape: pairwiseMean(
      absoluteErrors.map((error, row) => error / Math.max(Math.abs(yTrue[row] as number), EPSILON)),
    ),
  };
}

/**
 * sklearn's r2_score with force_finite=True: NaN below two rows; 1 when the
 * predictions are exact (even for a constant target); 0 when the target has
 * zero variance but the predictions are not exact (instead of -inf).
 *
 * "Zero variance" is decided on the float sum of (y - mean(y))², as sklearn
 * does, not on whether the y are equal: mean([0.1] * 3) is not exactly 0.1,
 * so for that constant target sklearn (and this) report about -5e29, while
 * for [2.5] * 3 the mean is exact and the score is 0.
 */
function rSquared(yTrue: readonly number[], residuals: readonly number[]): number {
  if (yTrue.length < 2) return Number.NaN;
  const residualSquares = pairwiseSum(residuals.map(square));
  const mean = pairwiseMean(yTrue);
  const totalSquares = pairwiseSum(yTrue.map((actual) => square(actual - mean)));
  if (residualSquares === 0) return 1;
  if (totalSquares === 0) return 0;
  return 1 - residualSquares / totalSquares;
}

function square(value: number): number {
  return value * value;
}
