import {
  CancellationScope,
  isCancellation,
  proxyActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { FerryActivities } from '../activities';
import type { ScalingPolicy } from '../backends/hosting';
import { backendTargetOf } from './backend-target-of';
import type { PipelineConfig } from '../config/pipeline-schema';
import type { RunStage } from './definitions';
import {
  deploymentIdOf,
  type ReleaseSummary,
  type RollbackSummary,
  type VersionRef,
} from './release-definitions';

const HOSTING_RETRY: ActivityOptions['retry'] = {
  maximumAttempts: 5,
  initialInterval: '1s',
  backoffCoefficient: 2,
  nonRetryableErrorTypes: ['HostingError', 'DeploymentFailed', 'RegistryError'],
};

const { deployEndpoint } = proxyActivities<FerryActivities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '30s',
  retry: HOSTING_RETRY,
});

const { configureAutoscaling, rollbackEndpoint } = proxyActivities<FerryActivities>({
  startToCloseTimeout: '5m',
  retry: HOSTING_RETRY,
});

export interface ReleaseInput {
  runId: string;
  config: PipelineConfig;
  model: VersionRef;
  testChannel: string;
  setStage(stage: RunStage): void;
}

export type Release =
  | { outcome: 'deployed'; release: ReleaseSummary }
  | { outcome: 'rolled-back'; release: ReleaseSummary; reason: string };

/**
 * Steps 6 and 7 of the run: deploy the approved version, turn on auto
 * scaling, load-test against the SLO; a breached SLO rolls back. If any step
 * fails, or the run is cancelled, the compensation still runs, so nothing is
 * left half-deployed.
 */
export async function releaseModel(input: ReleaseInput): Promise<Release> {
  const { config, runId } = input;
  const endpoint = config.endpoint.name ?? config.modelGroup;
  const policy = scalingPolicyOf(config.endpoint);
  const backend = backendTargetOf(config);
  const release: ReleaseSummary = {};
  const rollback = (reason: string): Promise<RollbackSummary> =>
    rollbackEndpoint({
      runId,
      endpoint,
      deploymentId: deploymentIdOf(runId),
      model: input.model,
      reason,
      backend,
    });
  try {
    input.setStage('deploying');
    release.deployment = await deployEndpoint({
      runId,
      endpoint,
      model: input.model,
      policy,
      backend,
    });
    input.setStage('scaling');
    release.autoscaling = await configureAutoscaling({ endpoint, policy, backend });
    input.setStage('load-testing');
    release.loadTest = await loadTestActivity(config.loadTest)({
      runId,
      endpoint,
      loadTest: config.loadTest,
      testChannel: input.testChannel,
      target: config.dataset.target,
      backend,
    });
  } catch (error) {
    const why = isCancellation(error) ? 'the run was cancelled' : 'a release step failed';
    await CancellationScope.nonCancellable(() => rollback(`${why} before the load test passed`));
    throw error;
  }
  if (release.loadTest.verdict.passed) return { outcome: 'deployed', release };
  input.setStage('rolling-back');
  const reason = `SLO violated: ${release.loadTest.verdict.summary}`;
  release.rollback = await rollback(reason);
  return { outcome: 'rolled-back', release, reason };
}

/** The activity's timeout follows the configured load: its phases plus time to drain and report. */
function loadTestActivity(loadTest: PipelineConfig['loadTest']) {
  const loadSeconds = loadTest.phases.reduce((total, phase) => total + phase.durationSeconds, 0);
  const { loadTestEndpoint } = proxyActivities<FerryActivities>({
    startToCloseTimeout: `${Math.ceil(loadSeconds + loadTest.requestTimeoutMs / 1000 + 120)}s`,
    heartbeatTimeout: '30s',
    retry: {
      maximumAttempts: 3,
      initialInterval: '2s',
      backoffCoefficient: 2,
      nonRetryableErrorTypes: ['HostingError', 'LoadTestError'],
    },
  });
  return loadTestEndpoint;
}

export function scalingPolicyOf(endpoint: PipelineConfig['endpoint']): ScalingPolicy {
  return {
    minReplicas: endpoint.minReplicas,
    maxReplicas: endpoint.maxReplicas,
    targetInvocationsPerReplica: endpoint.targetInvocationsPerReplica,
    metricWindowSeconds: endpoint.metricWindowSeconds,
    scaleOutCooldownSeconds: endpoint.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: endpoint.scaleInCooldownSeconds,
    coldStartTimeoutSeconds: endpoint.coldStartTimeoutSeconds,
  };
}
