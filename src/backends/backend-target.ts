import { z } from 'zod';
import { sageMakerSettingsSchema } from './sagemaker-settings';

/**
 * Which backend an activity works on, carried in its input. Absent means the
 * local backend, so local runs' activity inputs stay as they were before the
 * SageMaker backend existed.
 */
export const backendTargetSchema = z.strictObject({
  kind: z.literal('sagemaker'),
  sagemaker: sageMakerSettingsSchema,
});
export type BackendTarget = z.infer<typeof backendTargetSchema>;

/**
 * A backend named as the CLI names it (`--backend`, `--region`), for work
 * that needs no pipeline's settings: reading the registry and the endpoints,
 * and rolling an endpoint back (`ferry reconcile`).
 */
export const backendChoiceSchema = z.strictObject({
  backend: z.enum(['local', 'sagemaker']),
  /** sagemaker: the AWS region (default: AWS_REGION). */
  region: z.string().min(1).optional(),
});
export type BackendChoice = z.infer<typeof backendChoiceSchema>;
