import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  type ProductionVariantInstanceType,
  type SageMakerClient,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import { isAlreadyExists, translateAwsError } from './aws-errors';
import { findEndpointConfig, findModel } from './hosting-lookups';
import { VARIANT } from './scaling-target';

/**
 * Creates a resource unless it exists. The describe comes first because
 * moto silently replaces a duplicate instead of refusing it, and a retried
 * activity must find what its earlier attempt made, not overwrite it; the
 * "already exists" answer real SageMaker gives to a racing create is done too.
 */
async function createUnlessPresent(
  find: () => Promise<unknown>,
  operation: string,
  resource: string,
  create: () => Promise<unknown>,
): Promise<void> {
  if (await find()) return;
  try {
    await create();
  } catch (error) {
    if (isAlreadyExists(error)) return;
    throw translateAwsError(error, operation, resource);
  }
}

export interface ModelSpec {
  name: string;
  image: string;
  modelDataUrl: string;
  /** S3 URI of sourcedir.tar.gz, which holds inference.py. */
  sourceDir: string;
  region: string;
  roleArn: string;
  tags: Tag[];
}

/** A SageMaker model: the framework container running the algorithm's inference.py (script mode). */
export function ensureModel(sagemaker: SageMakerClient, spec: ModelSpec): Promise<void> {
  return createUnlessPresent(
    () => findModel(sagemaker, spec.name),
    'CreateModel',
    `model ${spec.name}`,
    () =>
      sagemaker.send(
        new CreateModelCommand({
          ModelName: spec.name,
          ExecutionRoleArn: spec.roleArn,
          PrimaryContainer: {
            Image: spec.image,
            ModelDataUrl: spec.modelDataUrl,
            // The framework containers' script-mode contract: which script,
            // where its bundle is, and the region to fetch it from.
            Environment: {
              SAGEMAKER_PROGRAM: 'inference.py',
              SAGEMAKER_SUBMIT_DIRECTORY: spec.sourceDir,
              SAGEMAKER_REGION: spec.region,
            },
          },
          Tags: spec.tags,
        }),
      ),
  );
}

export interface EndpointConfigSpec {
  name: string;
  modelName: string;
  instanceType: string;
  instanceCount: number;
  tags: Tag[];
}

/** An endpoint config with the one variant every deployment of this backend uses. */
export function ensureEndpointConfig(
  sagemaker: SageMakerClient,
  spec: EndpointConfigSpec,
): Promise<void> {
  return createUnlessPresent(
    () => findEndpointConfig(sagemaker, spec.name),
    'CreateEndpointConfig',
    `endpoint config ${spec.name}`,
    () =>
      sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: spec.name,
          ProductionVariants: [
            {
              VariantName: VARIANT,
              ModelName: spec.modelName,
              // The SDK types instance types as a closed union; the pipeline's
              // string is checked by SageMaker itself (ValidationException).
              InstanceType: spec.instanceType as ProductionVariantInstanceType,
              InitialInstanceCount: spec.instanceCount,
            },
          ],
          Tags: spec.tags,
        }),
      ),
  );
}
