import type { BackendTarget } from '../backends/backend-target';
import type { PipelineConfig } from '../config/pipeline-schema';

/** The target for a pipeline's activities: undefined for the local backend. */
export function backendTargetOf(
  config: Pick<PipelineConfig, 'backend' | 'sagemaker' | 'endpoint'>,
): BackendTarget | undefined {
  if (config.backend !== 'sagemaker' || !config.sagemaker) return undefined;
  return {
    kind: 'sagemaker',
    sagemaker: { ...config.sagemaker, endpointInstanceType: config.endpoint.instanceType },
  };
}
