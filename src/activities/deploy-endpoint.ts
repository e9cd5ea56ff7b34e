import { ApplicationFailure } from '@temporalio/activity';
import type { EndpointDescription, Hosting } from '../backends/hosting';
import type { BackendResolver } from '../backends/backend-resolver';
import {
  deploymentIdOf,
  type DeployEndpointInput,
  type DeploymentSummary,
} from '../workflows/release-definitions';
import { startHeartbeats } from './heartbeat';
import { whenEndpointFree } from './when-endpoint-free';
import { nextPollMs, pause } from '../shared/poll-schedule';
import { FAILURE } from '../shared/failure-types';
import { endpointRights } from '../policy/run-rights';

type Heartbeats = ReturnType<typeof startHeartbeats<Partial<EndpointDescription>>>;

/**
 * deploy: puts an approved version on its endpoint (created, or updated
 * blue/green) and waits until it serves, heartbeating the endpoint's state.
 * A version whose replicas cannot start is a non-retryable DeploymentFailed;
 * an endpoint that serves another model group is refused (NotOwner) here,
 * right before the deployment, whatever the run checked when it started.
 */
export function createDeployEndpoint(backends: BackendResolver) {
  return async function deployEndpoint(input: DeployEndpointInput): Promise<DeploymentSummary> {
    const { hosting, registry } = backends.of(input.backend);
    const version = await registry.getVersion(input.model.group, input.model.version);
    if (!version) {
      throw ApplicationFailure.nonRetryable(
        `model ${input.model.group} has no version ${input.model.version}; nothing to deploy`,
        FAILURE.deploymentFailed,
      );
    }
    const taken = await endpointRights(backends.of(input.backend), input.endpoint, version.group);
    if (taken) throw ApplicationFailure.nonRetryable(taken, FAILURE.notOwner);
    const deploymentId = deploymentIdOf(input.runId);
    const heartbeats = startHeartbeats<Partial<EndpointDescription>>({ status: 'Creating' });
    try {
      await whenEndpointFree(hosting, heartbeats, () =>
        hosting.deploy({
          endpoint: input.endpoint,
          deploymentId,
          model: {
            group: version.group,
            version: version.version,
            algorithm: version.lineage.algorithm,
            modelDir: version.lineage.artifactPath,
          },
          policy: input.policy,
        }),
      );
      const live = await waitUntilServing(hosting, input.endpoint, deploymentId, heartbeats);
      await registry.recordDeployment({
        ...input.model,
        endpoint: input.endpoint,
        action: 'deployed',
        deploymentId,
        detail: live.previous
          ? `replaced ${live.previous.model.group} v${live.previous.model.version} blue/green`
          : 'created the endpoint',
      });
      return {
        endpoint: input.endpoint,
        url: live.url,
        deploymentId,
        model: { ...input.model, algorithm: version.lineage.algorithm },
        previous: live.previous && {
          group: live.previous.model.group,
          version: live.previous.model.version,
        },
        replicas: live.replicas.filter((r) => r.deploymentId === deploymentId).length,
        deployedAt: live.current?.since ?? new Date().toISOString(),
      };
    } finally {
      heartbeats.stop();
    }
  };
}

async function waitUntilServing(
  hosting: Hosting,
  endpoint: string,
  deploymentId: string,
  heartbeats: Heartbeats,
): Promise<EndpointDescription> {
  for (let waitMs = hosting.rolloutPolling.firstMs; ;) {
    heartbeats.signal.throwIfAborted();
    const description = await hosting.describe(endpoint);
    if (!description) throw new Error(`endpoint ${endpoint} disappeared while deploying`);
    heartbeats.onProgress({
      status: description.status,
      desiredReplicas: description.desiredReplicas,
      replicas: description.replicas,
    });
    // A later deployment (another run's) may already have replaced this one:
    // the outcome, not the current version, says whether it went live.
    const outcome = description.recentDeployments.find((o) => o.deploymentId === deploymentId);
    if (outcome?.state === 'live') return description;
    if (outcome?.state === 'failed') {
      throw ApplicationFailure.nonRetryable(
        `endpoint ${endpoint}: the new version did not start: ${outcome.reason ?? 'unknown'}`,
        FAILURE.deploymentFailed,
      );
    }
    await pause(waitMs, heartbeats.signal);
    waitMs = nextPollMs(waitMs, hosting.rolloutPolling);
  }
}
