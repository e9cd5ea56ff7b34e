import { pairwiseMean } from './float-sum';

// float64 machine epsilon, numpy's finfo(float64).eps.
const EPSILON = Number.EPSILON;

/**
 * Mean cross-entropy given, for each row, the probability the model gave to
 * the row's true class (for binary, p or 1 - p).
 *
 * scikit-learn 1.9 clips every probability to [eps, 1 - eps] before the log
 * and no longer renormalises rows, so a confident wrong prediction (p = 0
 * for the true class) costs -log(eps) ≈ 36.04 rather than infinity, and a
 * certain right one costs -log(1 - eps) ≈ 2.2e-16 rather than 0. For binary
 * input sklearn forms 1 - p first and clips afterwards; callers do the same.
 */
export function logLoss(probabilityOfTrueClass: readonly number[]): number {
  const losses = probabilityOfTrueClass.map(
    (probability) => -Math.log(Math.min(Math.max(probability, EPSILON), 1 - EPSILON)),
  );
  return pairwiseMean(losses);
}
