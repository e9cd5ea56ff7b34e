import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { FerryActivities } from '../activities';
import { parseDurationMs } from '../config/duration';
import { EVALUATION_OPTIONS } from './activity-options';
import type { CandidateOutcome, CandidateWorkflowInput } from './definitions';

/**
 * One candidate: train, then evaluate on the held-out test split. A child
 * workflow per candidate keeps the parent's history small at N = 250 and
 * shows each candidate's own history in the Temporal UI.
 */
export async function candidateWorkflow(input: CandidateWorkflowInput): Promise<CandidateOutcome> {
  const { candidate, config, data } = input;
  const { trainCandidate } = proxyActivities<FerryActivities>({
    // Cancelling waits until the activity has killed the training, so a
    // cancelled run leaves no process behind.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    startToCloseTimeout: parseDurationMs(config.candidates.trainingTimeout) ?? '30m',
    heartbeatTimeout: '20s',
    retry: {
      maximumAttempts: 3,
      initialInterval: '2s',
      backoffCoefficient: 2,
      nonRetryableErrorTypes: ['TrainingInputError'],
    },
  });
  const { evaluateCandidate } = proxyActivities<FerryActivities>(EVALUATION_OPTIONS);

  const trained = await trainCandidate({
    runId: input.runId,
    candidate,
    task: config.dataset.task,
    target: config.dataset.target,
    positiveClass: config.dataset.positiveClass,
    channels: data.channels,
    concurrentTrainings: config.candidates.maxParallel,
    backend: input.backend,
  });
  const evaluation = await evaluateCandidate({
    runId: input.runId,
    candidate,
    task: config.dataset.task,
    target: config.dataset.target,
    classes: data.classes,
    modelDir: trained.modelDir,
    testChannel: data.channels.test,
    backend: input.backend,
  });
  return {
    candidateId: candidate.id,
    metrics: evaluation.metrics,
    validationMetrics: trained.validationMetrics,
    trainingMs: trained.trainingMs,
    modelDir: trained.modelDir,
  };
}
