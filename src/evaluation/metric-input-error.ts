import { FAILURE } from '../shared/failure-types';

/**
 * Predictions that no metric can be computed from: wrong lengths, labels
 * outside the task's classes, probabilities outside [0, 1], non-finite
 * values. A retry cannot fix them, so the activity that computes metrics
 * should fail without retrying; Temporal reports the class name as the
 * failure type, which the retry policy can list as non-retryable.
 */
export class MetricInputError extends Error {
  readonly type = FAILURE.metricInput;
  override readonly name = FAILURE.metricInput;
}
