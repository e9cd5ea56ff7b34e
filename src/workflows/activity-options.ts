import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Evaluating a model (a candidate, or the champion) on a test split: one batch
 * prediction, heartbeating; a bad model or split is not worth retrying.
 */
export const EVALUATION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '20s',
  retry: {
    maximumAttempts: 3,
    initialInterval: '2s',
    backoffCoefficient: 2,
    nonRetryableErrorTypes: ['EvaluationError', 'MetricInputError'],
  },
};
