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
