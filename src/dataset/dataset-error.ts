import { ApplicationFailure } from '@temporalio/common';
import { FAILURE } from '../shared/failure-types';

/**
 * A dataset that no retry can fix: missing, malformed or unsuitable for the
 * task. Non-retryable, with a type the workflow and the CLI branch on.
 */
export function datasetError(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FAILURE.dataset, message, nonRetryable: true });
}
