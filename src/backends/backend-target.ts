import type { PipelineConfig } from '../config/pipeline-schema';
import type { SageMakerSettings } from './sagemaker/sagemaker-settings';

/**
 * Which backend an activity works on, carried in its input. Absent means the
 * local backend, so local runs' activity inputs stay as they were before the
 * SageMaker backend existed.
 */
export type BackendTarget = { kind: 'sagemaker'; sagemaker: SageMakerSettings };

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
