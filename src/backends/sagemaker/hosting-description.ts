import type {
  DescribeEndpointOutput,
  EndpointStatus as AwsStatus,
} from '@aws-sdk/client-sagemaker';
import type {
  DeployedVersion,
  DeploymentOutcome,
  EndpointDescription,
  EndpointStatus,
  ReplicaDescription,
  ScalingPolicy,
} from '../hosting';
import type { ConfigVersion } from './hosting-lookups';
import { policyFromTag, TAG } from './hosting-tags';

/**
 * SageMaker's nine endpoint states in the four Ferry knows. Everything that
 * is moving (a system update, an automatic rollback, a deletion) reads as
 * Updating, so a caller waits; a state that serves nothing it was asked to
 * (OutOfService, UpdateRollbackFailed) reads as Failed.
 */
function toEndpointStatus(status: AwsStatus | undefined): EndpointStatus {
  switch (status) {
    case 'Creating':
      return 'Creating';
    case 'InService':
      return 'InService';
    case 'Updating':
    case 'SystemUpdating':
    case 'RollingBack':
    case 'Deleting':
      return 'Updating';
    default:
      return 'Failed';
  }
}

/** What an endpoint's configs say about it, read by the caller (see SageMakerHosting.describe). */
export interface EndpointVersions {
  /** The config the endpoint's instances run (DescribeEndpoint's EndpointConfigName). */
  served?: ConfigVersion;
  /** The config most recently asked for, when it is not the served one. */
  latest?: ConfigVersion;
  /** The config `current` replaced. */
  previous?: ConfigVersion;
  /** During an update that reports the new config as EndpointConfigName: the one still serving. */
  servedBefore?: ConfigVersion;
}

/** The names of the configs `describe` must read, from the endpoint and its tags. */
export function configsToRead(
  endpoint: DescribeEndpointOutput,
  tags: Map<string, string>,
): { served?: string; latest?: string } {
  const served = endpoint.EndpointConfigName;
  const latest =
    endpoint.PendingDeploymentSummary?.EndpointConfigName ?? tags.get(TAG.latestConfig);
  return { served, latest: latest === served ? undefined : latest };
}

/** Which version is current and which pending, by the endpoint's state. */
export function currentAndPending(
  endpoint: DescribeEndpointOutput,
  versions: EndpointVersions,
): { current?: ConfigVersion; pending?: ConfigVersion } {
  switch (endpoint.EndpointStatus) {
    case 'Creating':
      return { pending: versions.latest ?? versions.served };
    case 'Updating':
      // Whether EndpointConfigName already names the new config mid-update
      // is not something moto can show; both readings are handled.
      return versions.latest
        ? { current: versions.served, pending: versions.latest }
        : { current: versions.servedBefore, pending: versions.served };
    case 'Failed':
      // A first deployment that never served.
      return {};
    default:
      return { current: versions.served };
  }
}

/**
 * Instances as replicas. SageMaker does not expose its instances, so there is
 * one synthetic replica per CurrentInstanceCount, running the served config,
 * with port and pid 0 (there is no process of ours to point at) and state
 * ready (SageMaker counts an instance only once it passes its health checks).
 */
function syntheticReplicas(
  endpoint: DescribeEndpointOutput,
  served: DeployedVersion | undefined,
): ReplicaDescription[] {
  const variant = endpoint.ProductionVariants?.[0];
  const count = variant?.CurrentInstanceCount ?? 0;
  return Array.from({ length: count }, (_, index) => ({
    id: `${variant?.VariantName ?? 'variant'}-${index + 1}`,
    deploymentId: served?.deploymentId ?? '',
    port: 0,
    pid: 0,
    state: 'ready' as const,
    outstanding: 0,
  }));
}

/** How deployments ended, oldest first; a replaced deployment stays live, as the local backend shows it. */
function deploymentOutcomes(
  endpoint: DescribeEndpointOutput,
  current: ConfigVersion | undefined,
  previous: ConfigVersion | undefined,
  versions: EndpointVersions,
): DeploymentOutcome[] {
  const outcomes: DeploymentOutcome[] = [];
  for (const live of [previous, current]) {
    if (live)
      outcomes.push({
        deploymentId: live.version.deploymentId,
        state: 'live',
        at: live.version.since,
      });
  }
  const at = (endpoint.LastModifiedTime ?? new Date()).toISOString();
  const reason = endpoint.FailureReason ?? 'SageMaker gave no reason';
  if (endpoint.EndpointStatus === 'Failed') {
    const failed = versions.latest ?? versions.served;
    if (failed)
      outcomes.push({ deploymentId: failed.version.deploymentId, state: 'failed', at, reason });
  } else if (endpoint.EndpointStatus === 'InService' && versions.latest && endpoint.FailureReason) {
    // A failed update puts the endpoint back in service on its old config
    // and keeps the reason; the tag says which deployment that was.
    outcomes.push({
      deploymentId: versions.latest.version.deploymentId,
      state: 'failed',
      at,
      reason,
    });
  }
  return outcomes;
}

/** A policy for an endpoint without Ferry's policy tag (one this backend did not make): its present size, held. */
function heldSize(endpoint: DescribeEndpointOutput): ScalingPolicy {
  const size = Math.max(1, endpoint.ProductionVariants?.[0]?.CurrentInstanceCount ?? 1);
  return {
    minReplicas: size,
    maxReplicas: size,
    targetInvocationsPerReplica: 1000,
    metricWindowSeconds: 60,
    scaleOutCooldownSeconds: 300,
    scaleInCooldownSeconds: 300,
    coldStartTimeoutSeconds: 60,
  };
}

export function toEndpointDescription(input: {
  endpoint: DescribeEndpointOutput;
  tags: Map<string, string>;
  versions: EndpointVersions;
  url: string;
  isAutoscaling: boolean;
}): EndpointDescription {
  const { endpoint, versions } = input;
  const { current, pending } = currentAndPending(endpoint, versions);
  const previous = current && versions.previous;
  const outcomes = deploymentOutcomes(endpoint, current, previous, versions);
  const failure = outcomes.find((o) => o.state === 'failed');
  const variant = endpoint.ProductionVariants?.[0];
  const served =
    endpoint.EndpointStatus === 'Updating' && !versions.latest
      ? versions.servedBefore
      : versions.served;
  return {
    name: endpoint.EndpointName ?? '',
    status: toEndpointStatus(endpoint.EndpointStatus),
    url: input.url,
    current: current?.version,
    previous: previous?.version,
    pending: pending?.version,
    replicas: syntheticReplicas(endpoint, served?.version),
    desiredReplicas: variant?.DesiredInstanceCount ?? variant?.CurrentInstanceCount ?? 0,
    policy: policyFromTag(input.tags.get(TAG.policy)) ?? heldSize(endpoint),
    autoscaling: input.isAutoscaling,
    lastFailure: failure && {
      deploymentId: failure.deploymentId,
      reason: failure.reason ?? '',
      at: failure.at,
    },
    recentDeployments: outcomes,
    createdAt: (endpoint.CreationTime ?? new Date(0)).toISOString(),
  };
}
