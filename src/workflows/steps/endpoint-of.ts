import { scalingPolicySchema, type ScalingPolicy } from '../../backends/hosting';
import type { PipelineConfig } from '../../config/pipeline-schema';

/** The endpoint a pipeline deploys to: its own name, or the model group's. */
export function endpointOf(config: Pick<PipelineConfig, 'endpoint' | 'modelGroup'>): string {
  return config.endpoint.name ?? config.modelGroup;
}

/** The endpoint section's scaling fields: the policy's schema is the section's, so nothing is listed twice. */
export function scalingPolicyOf(endpoint: PipelineConfig['endpoint']): ScalingPolicy {
  return scalingPolicySchema.strip().parse(endpoint);
}
