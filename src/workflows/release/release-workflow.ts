import { ApplicationFailure, CancellationScope, isCancellation } from '@temporalio/workflow';
import { FAILURE } from '../../shared/failure-types';
import { releaseActivities } from '../activity-options';
import {
  deploymentIdOf,
  type LoadTestOutcome,
  type ReleaseInput,
  type ReleaseResult,
} from '../release-definitions';
import { rootMessage } from '../root-message';
import { ReleaseProgress } from './release-progress';

type Activities = ReturnType<typeof releaseActivities>;

/**
 * One approved version onto one endpoint: deploy, turn on auto scaling,
 * load-test against the SLO. Its workflow id names the endpoint
 * (releaseWorkflowIdOf), so Temporal runs one release per endpoint at a
 * time and a load test always measures its own version. Whatever ends it
 * early (a failed step, a timeout, a cancellation, the parent run
 * terminated) puts the endpoint back on what it served before and rejects
 * the version, in a scope no cancellation can stop; a breached SLO does
 * the same. An Approved version after a release is one that serves.
 */
export async function releaseWorkflow(input: ReleaseInput): Promise<ReleaseResult> {
  const activities = releaseActivities(input);
  const progress = new ReleaseProgress();
  let loadTest: LoadTestOutcome;
  try {
    loadTest = await deployAndLoadTest(input, activities, progress);
  } catch (error) {
    const failure = isCancellation(error)
      ? 'the release was cancelled'
      : `the release failed: ${rootMessage(error)}`;
    progress.summary.failure = failure;
    const isCompensated = await CancellationScope.nonCancellable(() =>
      compensate(
        input,
        activities,
        progress,
        `${failure}; rolled back before the load test passed`,
      ),
    );
    if (isCancellation(error)) throw error;
    throw ApplicationFailure.create({
      type: isCompensated ? FAILURE.releaseFailed : FAILURE.compensationFailed,
      message: isCompensated
        ? `${failure}; the endpoint was rolled back and the version rejected`
        : `${failure}; and compensation failed: ${progress.summary.compensationFailure}`,
      nonRetryable: true,
    });
  }
  if (loadTest.verdict.passed) {
    await progress.tellParent();
    return { outcome: 'deployed', release: progress.summary, status: 'Approved' };
  }
  const reason = `SLO violated: ${loadTest.verdict.summary}`;
  const isCompensated = await CancellationScope.nonCancellable(() =>
    compensate(input, activities, progress, reason),
  );
  if (!isCompensated) {
    throw ApplicationFailure.create({
      type: FAILURE.compensationFailed,
      message: `${reason}; and compensation failed: ${progress.summary.compensationFailure}`,
      nonRetryable: true,
    });
  }
  return { outcome: 'rolled-back', release: progress.summary, status: 'Rejected', reason };
}

async function deployAndLoadTest(
  input: ReleaseInput,
  activities: Activities,
  progress: ReleaseProgress,
): Promise<LoadTestOutcome> {
  const { endpoint, policy, backend } = input;
  await progress.move('deploying');
  progress.summary.deployment = await activities.deployEndpoint({
    runId: input.runId,
    endpoint,
    model: input.model,
    policy,
    backend,
  });
  await progress.move('scaling');
  progress.summary.autoscaling = await activities.configureAutoscaling({
    endpoint,
    policy,
    backend,
  });
  await progress.move('load-testing');
  const loadTest = await activities.loadTestEndpoint({
    runId: input.runId,
    endpoint,
    loadTest: input.loadTest,
    sampleChannel: input.sampleChannel,
    target: input.target,
    backend,
  });
  progress.summary.loadTest = loadTest;
  return loadTest;
}

/**
 * Rolls the endpoint back and rejects the version with `reason`. Both are
 * tried even if the first fails, and what failed is kept beside the
 * original failure, never in its place. True when both succeeded.
 */
async function compensate(
  input: ReleaseInput,
  activities: Activities,
  progress: ReleaseProgress,
  reason: string,
): Promise<boolean> {
  const { endpoint, model, backend } = input;
  const problems: string[] = [];
  await progress.move('rolling-back');
  try {
    progress.summary.rollback = await activities.rollbackEndpoint({
      runId: input.runId,
      endpoint,
      deploymentId: deploymentIdOf(input.runId),
      model,
      reason,
      backend,
    });
  } catch (error) {
    problems.push(`the rollback of ${endpoint} failed: ${rootMessage(error)}`);
  }
  try {
    const rejected = await activities.setModelStatus({
      ...model,
      status: 'Rejected',
      by: 'ferry',
      reason,
      // No trail: it was stored at the decision, and this release has none of its own.
      backend,
    });
    progress.summary.versionStatus = rejected.status;
  } catch (error) {
    problems.push(`rejecting ${model.group} v${model.version} failed: ${rootMessage(error)}`);
  }
  if (problems.length > 0) {
    progress.summary.compensationFailure = `${problems.join('; ')} (ferry reconcile repairs what is left)`;
  }
  await progress.tellParent();
  return problems.length === 0;
}
