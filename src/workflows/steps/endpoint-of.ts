import type { ScalingPolicy } from '../../backends/hosting';
import type { PipelineConfig } from '../../config/pipeline-schema';

/** The endpoint a pipeline deploys to: its own name, or the model group's. */
export function endpointOf(config: Pick<PipelineConfig, 'endpoint' | 'modelGroup'>): string {
  return config.endpoint.name ?? config.modelGroup;
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
