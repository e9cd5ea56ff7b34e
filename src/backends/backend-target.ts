import type { SageMakerSettings } from './sagemaker-settings';

/**
 * Which backend an activity works on, carried in its input. Absent means the
 * local backend, so local runs' activity inputs stay as they were before the
 * SageMaker backend existed.
 */
export type BackendTarget = { kind: 'sagemaker'; sagemaker: SageMakerSettings };
