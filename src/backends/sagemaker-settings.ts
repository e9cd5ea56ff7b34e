import type { z } from 'zod';
import { endpointSchema, sagemakerSchema } from '../config/pipeline-schema';

/**
 * What the SageMaker backend needs to know about an account: a pipeline's
 * `sagemaker:` section and its endpoint's instance type. None of it is
 * secret: credentials come from the worker's environment (the AWS SDK's
 * default chain), never from a pipeline file or workflow history.
 */
export const sageMakerSettingsSchema = sagemakerSchema.extend({
  endpointInstanceType: endpointSchema.shape.instanceType.unwrap(),
});
export type SageMakerSettings = z.infer<typeof sageMakerSettingsSchema>;
