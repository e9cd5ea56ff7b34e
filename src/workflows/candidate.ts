import { candidateActivities } from './activity-options';
import type { CandidateOutcome, CandidateWorkflowInput } from './definitions';

/**
 * One candidate: train, then evaluate on the held-out test split. A child
 * workflow per candidate keeps the parent's history small at N = 250 and
 * shows each candidate's own history in the Temporal UI.
 */
export async function candidateWorkflow(input: CandidateWorkflowInput): Promise<CandidateOutcome> {
  const { candidate, config, data } = input;
  const { trainCandidate, evaluateCandidate } = candidateActivities(config.candidates);
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
