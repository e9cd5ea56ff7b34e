import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  type DescribeEndpointConfigOutput,
  type DescribeEndpointOutput,
  type DescribeModelOutput,
  type SageMakerClient,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import type { DeployedVersion } from '../hosting';
import { awsCall, isNotFound, translateAwsError } from './aws-errors';
import { TAG, tagMap, versionFromTags } from './hosting-tags';

/** Runs a Describe call; "not found" (SageMaker says ValidationException "Could not find ...") is undefined. */
async function describeOrUndefined<T>(
  operation: string,
  resource: string,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, operation, resource);
  }
}

export function findEndpoint(
  sagemaker: SageMakerClient,
  name: string,
): Promise<DescribeEndpointOutput | undefined> {
  return describeOrUndefined('DescribeEndpoint', `endpoint ${name}`, () =>
    sagemaker.send(new DescribeEndpointCommand({ EndpointName: name })),
  );
}

export function findEndpointConfig(
  sagemaker: SageMakerClient,
  name: string,
): Promise<DescribeEndpointConfigOutput | undefined> {
  return describeOrUndefined('DescribeEndpointConfig', `endpoint config ${name}`, () =>
    sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })),
  );
}

export function findModel(
  sagemaker: SageMakerClient,
  name: string,
): Promise<DescribeModelOutput | undefined> {
  return describeOrUndefined('DescribeModel', `model ${name}`, () =>
    sagemaker.send(new DescribeModelCommand({ ModelName: name })),
  );
}

/** Every tag of a resource, across pages. */
export async function listTags(
  sagemaker: SageMakerClient,
  arn: string,
): Promise<Map<string, string>> {
  const tags: Tag[] = [];
  let NextToken: string | undefined;
  do {
    const page = await awsCall('ListTags', arn, () =>
      sagemaker.send(new ListTagsCommand({ ResourceArn: arn, NextToken })),
    );
    tags.push(...(page.Tags ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return tagMap(tags);
}

/** A deployment as its endpoint config records it. */
export interface ConfigVersion {
  configName: string;
  modelName: string;
  version: DeployedVersion;
  /** The config this one replaced, when it was made by an update. */
  previousConfig?: string;
}

/**
 * Reads what an endpoint config deploys: its tags name the deployment and the
 * registry version, its model gives the artifact. Undefined for a config that
 * is gone or that this backend did not make.
 */
export async function readConfigVersion(
  sagemaker: SageMakerClient,
  configName: string | undefined,
): Promise<ConfigVersion | undefined> {
  if (!configName) return undefined;
  const config = await findEndpointConfig(sagemaker, configName);
  const modelName = config?.ProductionVariants?.[0]?.ModelName;
  if (!config?.EndpointConfigArn || !modelName) return undefined;
  const tags = await listTags(sagemaker, config.EndpointConfigArn);
  const tagged = versionFromTags(tags);
  if (!tagged) return undefined;
  const model = await findModel(sagemaker, modelName);
  return {
    configName,
    modelName,
    previousConfig: tags.get(TAG.previousConfig),
    version: {
      deploymentId: tagged.deploymentId,
      model: {
        group: tagged.group,
        version: tagged.version,
        algorithm: tagged.algorithm,
        modelDir: model?.PrimaryContainer?.ModelDataUrl ?? '',
      },
      // The config is made just before the endpoint moves to it; its
      // creation time is a stable "since" that later scaling does not move.
      since: (config.CreationTime ?? new Date(0)).toISOString(),
    },
  };
}
