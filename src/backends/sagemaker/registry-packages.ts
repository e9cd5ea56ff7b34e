import {
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  type DescribeModelPackageCommandOutput,
  type ModelApprovalStatus,
  type ModelPackageSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { awsCall, isAlreadyExists, isNotFound } from './aws-errors';

/** ListModelPackages' largest page. */
export const LIST_PAGE_MAX = 100;

/** Creates the Model Package Group unless it exists; a concurrent create by another run is as good. */
export async function ensurePackageGroup(sagemaker: SageMakerClient, group: string): Promise<void> {
  const resource = `model package group ${group}`;
  const existing = await awsCall('DescribeModelPackageGroup', resource, () =>
    sagemaker
      .send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }))
      .catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      }),
  );
  if (existing) return;
  await awsCall('CreateModelPackageGroup', resource, () =>
    sagemaker
      .send(
        new CreateModelPackageGroupCommand({
          ModelPackageGroupName: group,
          ModelPackageGroupDescription: `Ferry model group ${group}`,
        }),
      )
      .catch((error: unknown) => {
        if (isAlreadyExists(error)) return undefined;
        throw error;
      }),
  );
}

/**
 * Every model package of a group, following NextToken. A group that does not
 * exist has none (SageMaker answers an empty list; a not-found is read the same).
 */
export async function listPackages(
  sagemaker: SageMakerClient,
  group: string,
  options: { pageSize: number; status?: ModelApprovalStatus },
): Promise<ModelPackageSummary[]> {
  const summaries: ModelPackageSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall('ListModelPackages', `model package group ${group}`, () =>
      sagemaker
        .send(
          new ListModelPackagesCommand({
            ModelPackageGroupName: group,
            ModelPackageType: 'Versioned',
            ModelApprovalStatus: options.status,
            MaxResults: options.pageSize,
            NextToken: nextToken,
          }),
        )
        .catch((error: unknown) => {
          if (isNotFound(error)) return { ModelPackageSummaryList: [], NextToken: undefined };
          throw error;
        }),
    );
    summaries.push(...(page.ModelPackageSummaryList ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return summaries;
}

/** The package that holds a version of a group, if there is one. */
export async function findPackage(
  sagemaker: SageMakerClient,
  group: string,
  version: number,
  pageSize: number,
): Promise<ModelPackageSummary | undefined> {
  const summaries = await listPackages(sagemaker, group, { pageSize });
  return summaries.find((summary) => summary.ModelPackageVersion === version);
}

export function describePackage(
  sagemaker: SageMakerClient,
  arn: string,
): Promise<DescribeModelPackageCommandOutput> {
  return awsCall('DescribeModelPackage', `model package ${arn}`, () =>
    sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn })),
  );
}
