import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  UpdateModelPackageCommand,
  type DescribeModelPackageCommandOutput,
} from '@aws-sdk/client-sagemaker';
import {
  RegistryError,
  type ApprovalStatus,
  type Lineage,
  type ModelVersion,
  type RecordDeploymentInput,
  type RegisterVersionInput,
  type Registry,
  type SetStatusInput,
} from '../registry';
import type { AwsClients } from './aws-clients';
import { awsCall } from './aws-errors';
import { frameworkImage } from './framework-images';
import { decodeVersionRecord, encodeVersionRecord, type VersionRecord } from './registry-metadata';
import {
  LIST_PAGE_MAX,
  describePackage,
  ensurePackageGroup,
  findPackage,
  listPackages,
} from './registry-packages';
import { runKey, s3Uri } from './s3-paths';
import type { SageMakerSettings } from '../sagemaker-settings';

/** SageMaker's limit on ApprovalDescription; the whole reason stays in the status history. */
const APPROVAL_DESCRIPTION_MAX_CHARS = 1024;

/** The content types Ferry's inference scripts take and give (DESIGN.md §3: raw rows, CSV or JSON). */
const CONTENT_TYPES = ['text/csv', 'application/json'];

export interface SageMakerRegistryOptions {
  /** ListModelPackages page size; tests lower it to walk several pages. */
  pageSize?: number;
}

/**
 * The model registry over SageMaker Model Package Groups (DESIGN.md §3): a
 * group per model, versions numbered by SageMaker, metrics as the package's
 * model-quality statistics in S3, and Ferry's record of the version (lineage,
 * metrics, tags, status history, deployments) in CustomerMetadataProperties,
 * so reading needs no S3. Reads work without settings (the CLI has only a
 * region); registering needs the pipeline's sagemaker section.
 */
export class SageMakerRegistry implements Registry {
  private readonly pageSize: number;

  constructor(
    private readonly clients: Pick<AwsClients, 'sagemaker' | 's3'>,
    private readonly settings?: SageMakerSettings,
    options: SageMakerRegistryOptions = {},
  ) {
    this.pageSize = options.pageSize ?? LIST_PAGE_MAX;
  }

  async registerVersion(input: RegisterVersionInput): Promise<ModelVersion> {
    const settings = this.settings;
    if (!settings) {
      throw new RegistryError(
        `registering into model group ${input.group} needs the pipeline's sagemaker section (region, roleArn, bucket); add it to the pipeline file`,
      );
    }
    const { group, lineage } = input;
    const existing = await this.findRegistered(group, lineage);
    if (existing) return existing;

    const now = new Date().toISOString();
    const record: VersionRecord = {
      lineage,
      metrics: input.metrics,
      tags: input.tags ?? {},
      registeredBy: input.registeredBy,
      statusHistory: [
        {
          status: 'PendingManualApproval',
          by: input.registeredBy,
          at: now,
          reason: `registered by run ${lineage.runId}`,
        },
      ],
      deployments: [],
    };
    // Encoded before anything is written, so a record too large fails cleanly.
    const metadata = encodeVersionRecord(
      record,
      `model group ${group}, run ${lineage.runId}, candidate ${lineage.candidateId}`,
    );
    const metricsUri = await this.uploadMetrics(settings, input);
    const region = settings.region ?? (await this.clients.sagemaker.config.region());
    await ensurePackageGroup(this.clients.sagemaker, group);
    const created = await awsCall('CreateModelPackage', `model package group ${group}`, () =>
      this.clients.sagemaker.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelPackageDescription: packageDescription(lineage),
          InferenceSpecification: {
            Containers: [
              {
                Image: frameworkImage(lineage.algorithm, region, settings.images),
                ModelDataUrl: lineage.artifactPath,
              },
            ],
            SupportedContentTypes: CONTENT_TYPES,
            SupportedResponseMIMETypes: CONTENT_TYPES,
          },
          ModelMetrics: {
            ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: metricsUri } },
          },
          // moto sets no default status; SageMaker's default is this one anyway.
          ModelApprovalStatus: 'PendingManualApproval',
          CustomerMetadataProperties: metadata,
        }),
      ),
    );
    const arn = created.ModelPackageArn;
    if (!arn) throw new Error(`CreateModelPackage in ${group} answered without a package ARN`);
    return this.ferryVersion(group, await describePackage(this.clients.sagemaker, arn));
  }

  async setStatus(input: SetStatusInput): Promise<ModelVersion> {
    const { described, record, what } = await this.mustRead(input.group, input.version);
    record.statusHistory.push({
      status: input.status,
      by: input.by,
      at: new Date().toISOString(),
      reason: input.reason,
    });
    await this.update(described, record, what, input.status, input.reason);
    return this.mustGet(input.group, input.version);
  }

  /** Idempotent: the same deployment id, action and version are recorded once. */
  async recordDeployment(input: RecordDeploymentInput): Promise<ModelVersion> {
    const { described, record, what } = await this.mustRead(input.group, input.version);
    const isRecorded = record.deployments.some(
      (d) => d.deploymentId === input.deploymentId && d.action === input.action,
    );
    if (isRecorded) return this.mustGet(input.group, input.version);
    record.deployments.push({
      endpoint: input.endpoint,
      action: input.action,
      at: new Date().toISOString(),
      detail: input.detail,
      deploymentId: input.deploymentId,
    });
    await this.update(
      described,
      record,
      what,
      statusOf(described),
      described.ApprovalDescription ?? '',
    );
    return this.mustGet(input.group, input.version);
  }

  async getVersion(group: string, version: number): Promise<ModelVersion | undefined> {
    const summary = await findPackage(this.clients.sagemaker, group, version, this.pageSize);
    if (!summary?.ModelPackageArn) return undefined;
    return this.ferryVersion(
      group,
      await describePackage(this.clients.sagemaker, summary.ModelPackageArn),
    );
  }

  /** Ferry's versions, oldest first; packages others put in the group are not Ferry's versions and are left out. */
  async listVersions(group: string): Promise<ModelVersion[]> {
    const summaries = await listPackages(this.clients.sagemaker, group, {
      pageSize: this.pageSize,
    });
    const versions: ModelVersion[] = [];
    for (const summary of byVersion(summaries)) {
      if (!summary.ModelPackageArn) continue;
      const described = await describePackage(this.clients.sagemaker, summary.ModelPackageArn);
      const model = this.toModelVersion(group, described);
      if (model) versions.push(model);
    }
    return versions;
  }

  async latestApproved(group: string): Promise<ModelVersion | undefined> {
    const approved = await listPackages(this.clients.sagemaker, group, {
      pageSize: this.pageSize,
      status: 'Approved',
    });
    for (const summary of byVersion(approved).reverse()) {
      if (!summary.ModelPackageArn) continue;
      const described = await describePackage(this.clients.sagemaker, summary.ModelPackageArn);
      // The list's filter is checked again: the status may have changed since.
      if (statusOf(described) !== 'Approved') continue;
      const model = this.toModelVersion(group, described);
      if (model) return model;
    }
    return undefined;
  }

  /**
   * The version this run already registered for this candidate, if any.
   * SageMaker (and moto) accept duplicate packages, so a retried activity
   * must look first. The description narrows the search without a Describe
   * per package; the metadata decides.
   */
  private async findRegistered(group: string, lineage: Lineage): Promise<ModelVersion | undefined> {
    const summaries = await listPackages(this.clients.sagemaker, group, {
      pageSize: this.pageSize,
    });
    const description = packageDescription(lineage);
    for (const summary of summaries) {
      if (summary.ModelPackageDescription !== description || !summary.ModelPackageArn) continue;
      const described = await describePackage(this.clients.sagemaker, summary.ModelPackageArn);
      const model = this.toModelVersion(group, described);
      if (
        model?.lineage.runId === lineage.runId &&
        model.lineage.candidateId === lineage.candidateId
      )
        return model;
    }
    return undefined;
  }

  /** The metrics as a JSON object in S3, which the package's model-quality statistics point at. */
  private async uploadMetrics(
    settings: SageMakerSettings,
    input: RegisterVersionInput,
  ): Promise<string> {
    const { runId, candidateId } = input.lineage;
    const key = runKey(settings.prefix, runId, 'registry', `${candidateId}-metrics.json`);
    const body = JSON.stringify({ group: input.group, runId, candidateId, metrics: input.metrics });
    await awsCall('PutObject', s3Uri(settings.bucket, key), () =>
      this.clients.s3.send(
        new PutObjectCommand({
          Bucket: settings.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
        }),
      ),
    );
    return s3Uri(settings.bucket, key);
  }

  /**
   * Writes the record and the status. The status is always sent and the
   * whole metadata map too: moto's UpdateModelPackage clears what it is not
   * sent, real SageMaker merges the map, and sending everything is right for both.
   */
  private async update(
    described: DescribeModelPackageCommandOutput,
    record: VersionRecord,
    what: string,
    status: ApprovalStatus,
    description: string,
  ): Promise<void> {
    const metadata = encodeVersionRecord(record, what);
    await awsCall('UpdateModelPackage', what, () =>
      this.clients.sagemaker.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: described.ModelPackageArn,
          ModelApprovalStatus: status,
          ApprovalDescription: description.slice(0, APPROVAL_DESCRIPTION_MAX_CHARS),
          CustomerMetadataProperties: metadata,
        }),
      ),
    );
  }

  private async mustRead(
    group: string,
    version: number,
  ): Promise<{
    described: DescribeModelPackageCommandOutput;
    record: VersionRecord;
    what: string;
  }> {
    const summary = await findPackage(this.clients.sagemaker, group, version, this.pageSize);
    if (!summary?.ModelPackageArn)
      throw new RegistryError(`model ${group} has no version ${version}`);
    const described = await describePackage(this.clients.sagemaker, summary.ModelPackageArn);
    const what = `model group ${group} version ${version}`;
    const record = decodeVersionRecord(described.CustomerMetadataProperties, what);
    if (!record) {
      throw new RegistryError(
        `${what} was not registered by Ferry (its model package has no Ferry metadata); Ferry changes only versions it registered`,
      );
    }
    return { described, record, what };
  }

  private async mustGet(group: string, version: number): Promise<ModelVersion> {
    const model = await this.getVersion(group, version);
    if (!model) throw new RegistryError(`model ${group} has no version ${version}`);
    return model;
  }

  private ferryVersion(group: string, described: DescribeModelPackageCommandOutput): ModelVersion {
    const model = this.toModelVersion(group, described);
    if (!model) {
      throw new RegistryError(
        `model group ${group} version ${described.ModelPackageVersion} was not registered by Ferry (its model package has no Ferry metadata); use a version Ferry registered`,
      );
    }
    return model;
  }

  private toModelVersion(
    group: string,
    described: DescribeModelPackageCommandOutput,
  ): ModelVersion | undefined {
    const version = described.ModelPackageVersion ?? 0;
    const record = decodeVersionRecord(
      described.CustomerMetadataProperties,
      `model group ${group} version ${version}`,
    );
    if (!record) return undefined;
    return {
      group,
      version,
      status: statusOf(described),
      metrics: record.metrics,
      lineage: record.lineage,
      tags: record.tags,
      createdAt: described.CreationTime?.toISOString() ?? record.statusHistory[0]?.at ?? '',
      statusHistory: record.statusHistory,
      deployments: record.deployments,
    };
  }
}

/** How a package names its run and candidate, so the idempotency check needs no Describe per package. */
function packageDescription(lineage: Lineage): string {
  return `Ferry run ${lineage.runId}, candidate ${lineage.candidateId} (${lineage.algorithm})`;
}

/** SageMaker's status; a package with none (moto, when not sent one) is pending. */
function statusOf(described: DescribeModelPackageCommandOutput): ApprovalStatus {
  return described.ModelApprovalStatus ?? 'PendingManualApproval';
}

function byVersion<T extends { ModelPackageVersion?: number | undefined }>(summaries: T[]): T[] {
  return [...summaries].sort((a, b) => (a.ModelPackageVersion ?? 0) - (b.ModelPackageVersion ?? 0));
}
