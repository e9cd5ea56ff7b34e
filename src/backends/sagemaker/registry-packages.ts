import {
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  type DescribeModelPackageCommandOutput,
  type DescribeModelPackageGroupCommandOutput,
  type ModelApprovalStatus,
  type ModelPackageSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { awsCall, isAlreadyExists, isNotFound } from './aws-errors';

/** How every group Ferry creates is described, so a listing can tell them from others. */
const FERRY_GROUP_DESCRIPTION = 'Ferry model group';

/** ListModelPackages' largest page. */
export const LIST_PAGE_MAX = 100;

/** A Model Package Group, or undefined when there is none of that name. */
export function describePackageGroup(
  sagemaker: SageMakerClient,
  group: string,
): Promise<DescribeModelPackageGroupCommandOutput | undefined> {
  return awsCall('DescribeModelPackageGroup', `model package group ${group}`, () =>
    sagemaker
      .send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }))
      .catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      }),
  );
}

/**
 * Creates the Model Package Group unless it exists, and gives its ARN (what
 * its tags are addressed by); a concurrent create by another run is as good.
 */
export async function ensurePackageGroup(
  sagemaker: SageMakerClient,
  group: string,
): Promise<string> {
  const resource = `model package group ${group}`;
  const existing = await describePackageGroup(sagemaker, group);
  if (existing?.ModelPackageGroupArn) return existing.ModelPackageGroupArn;
  const created = await awsCall('CreateModelPackageGroup', resource, () =>
    sagemaker
      .send(
        new CreateModelPackageGroupCommand({
          ModelPackageGroupName: group,
          ModelPackageGroupDescription: `${FERRY_GROUP_DESCRIPTION} ${group}`,
        }),
      )
      .catch((error: unknown) => {
        if (isAlreadyExists(error)) return undefined;
        throw error;
      }),
  );
  // The loser of a create race is told "already exists", without the ARN.
  const arn =
    created?.ModelPackageGroupArn ??
    (await describePackageGroup(sagemaker, group))?.ModelPackageGroupArn;
  if (!arn) throw new Error(`${resource} was created, yet SageMaker gives no ARN for it`);
  return arn;
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

/**
 * The names of the Model Package Groups Ferry made (their description says
 * so, ensurePackageGroup), following NextToken: an account's other groups
 * are not Ferry's to reconcile.
 */
export async function listFerryPackageGroups(
  sagemaker: SageMakerClient,
  pageSize: number,
): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall('ListModelPackageGroups', 'model package groups', () =>
      sagemaker.send(
        new ListModelPackageGroupsCommand({ MaxResults: pageSize, NextToken: nextToken }),
      ),
    );
    for (const group of page.ModelPackageGroupSummaryList ?? []) {
      const isFerrys = group.ModelPackageGroupDescription?.startsWith(FERRY_GROUP_DESCRIPTION);
      if (isFerrys && group.ModelPackageGroupName) names.push(group.ModelPackageGroupName);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return names.sort();
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
