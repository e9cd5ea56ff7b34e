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
  type RecordTrailInput,
  type RegisterVersionInput,
  type Registry,
  type SetPolicyInput,
  type SetStatusInput,
} from '../registry';
import type { PolicyRecord } from '../../policy/approval-policy';
import { entriesToAppend, trailConflictMessage } from '../../policy/trail-chain';
import type { AwsClients } from './aws-clients';
import { awsCall } from './aws-errors';
import {
  decisionRecordFolder,
  decisionRecordObject,
  putDecisionRecord,
  readDecisionRecord,
  type DecisionRecord,
} from './decision-record';
import { frameworkImage } from './framework-images';
import { decodeVersionRecord, encodeVersionRecord, type VersionRecord } from './registry-metadata';
import {
  LIST_PAGE_MAX,
  describePackage,
  ensurePackageGroup,
  findPackage,
  listFerryPackageGroups,
  listPackages,
} from './registry-packages';
import { addGroupPolicy, listGroupPolicies } from './registry-policies';
import { decisionRecordsFolder, uploadMetrics } from './registry-objects';
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
 * metrics, tags, status history, deployments) in CustomerMetadataProperties.
 * A version's policy and decision trail are too large for those, so they are
 * an S3 object the record points to (decision-record.ts); a group's approval
 * policy is in its tags (policy-history-tags.ts). Reads work without settings
 * (the CLI has only a region), as every pointer is absolute; registering
 * needs the pipeline's sagemaker section.
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
    const decisions = decisionRecordObject(decisionRecordsFolder(settings, lineage), {
      policy: input.policy,
      trail: [],
    });
    record.decisionRecord = decisions.pointer;
    // Encoded before anything is written, so a record too large fails cleanly.
    const metadata = encodeVersionRecord(
      record,
      `model group ${group}, run ${lineage.runId}, candidate ${lineage.candidateId}`,
    );
    const metricsUri = await uploadMetrics(this.clients.s3, settings, input);
    await putDecisionRecord(this.clients.s3, decisions);
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
    await this.rewriteRecord(described, record, what);
    return this.mustGet(input.group, input.version);
  }

  /**
   * Appends to the version's decision record in S3, then points the version's
   * record at the new object; the same entries again write nothing.
   */
  async recordDecisionTrail(input: RecordTrailInput): Promise<ModelVersion> {
    const { described, record, what } = await this.mustRead(
      input.group,
      input.version,
      'its decision trail',
    );
    const pointer = record.decisionRecord;
    if (!pointer) {
      throw new RegistryError(
        `${what} was registered before Ferry kept decision records, so there is nowhere to keep its decision trail; register the model again`,
      );
    }
    const stored = await readDecisionRecord(this.clients.s3, pointer, what);
    const append = entriesToAppend(stored.policy, stored.trail, input.entries);
    if ('conflictAt' in append)
      throw new RegistryError(trailConflictMessage(what, append.conflictAt));
    if (append.rows.length === 0) return this.mustGet(input.group, input.version);
    const next = decisionRecordObject(decisionRecordFolder(pointer), {
      ...stored,
      trail: [...stored.trail, ...append.rows],
    });
    await putDecisionRecord(this.clients.s3, next);
    record.decisionRecord = next.pointer;
    await this.rewriteRecord(described, record, what);
    return this.mustGet(input.group, input.version);
  }

  setPolicy(input: SetPolicyInput): Promise<PolicyRecord> {
    return addGroupPolicy(this.clients.sagemaker, input);
  }

  async getPolicy(group: string): Promise<PolicyRecord | undefined> {
    return (await listGroupPolicies(this.clients.sagemaker, group)).at(-1);
  }

  listPolicyRevisions(group: string): Promise<PolicyRecord[]> {
    return listGroupPolicies(this.clients.sagemaker, group);
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
      const model = await this.toModelVersion(group, described);
      if (model) versions.push(model);
    }
    return versions;
  }

  listGroups(): Promise<string[]> {
    return listFerryPackageGroups(this.clients.sagemaker, this.pageSize);
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
      const model = await this.toModelVersion(group, described);
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
      const model = await this.toModelVersion(group, described);
      if (
        model?.lineage.runId === lineage.runId &&
        model.lineage.candidateId === lineage.candidateId
      )
        return model;
    }
    return undefined;
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

  /** Writes the record, keeping the status and its description as they are. */
  private rewriteRecord(
    described: DescribeModelPackageCommandOutput,
    record: VersionRecord,
    what: string,
  ): Promise<void> {
    return this.update(
      described,
      record,
      what,
      statusOf(described),
      described.ApprovalDescription ?? '',
    );
  }

  private async mustRead(
    group: string,
    version: number,
    forWhat?: string,
  ): Promise<{
    described: DescribeModelPackageCommandOutput;
    record: VersionRecord;
    what: string;
  }> {
    const summary = await findPackage(this.clients.sagemaker, group, version, this.pageSize);
    if (!summary?.ModelPackageArn) {
      throw new RegistryError(
        `model ${group} has no version ${version}${forWhat ? `, so there is nowhere to keep ${forWhat}` : ''}`,
      );
    }
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

  private async ferryVersion(
    group: string,
    described: DescribeModelPackageCommandOutput,
  ): Promise<ModelVersion> {
    const model = await this.toModelVersion(group, described);
    if (!model) {
      throw new RegistryError(
        `model group ${group} version ${described.ModelPackageVersion} was not registered by Ferry (its model package has no Ferry metadata); use a version Ferry registered`,
      );
    }
    return model;
  }

  private async toModelVersion(
    group: string,
    described: DescribeModelPackageCommandOutput,
  ): Promise<ModelVersion | undefined> {
    const version = described.ModelPackageVersion ?? 0;
    const what = `model group ${group} version ${version}`;
    const record = decodeVersionRecord(described.CustomerMetadataProperties, what);
    if (!record) return undefined;
    const decisions: DecisionRecord = record.decisionRecord
      ? await readDecisionRecord(this.clients.s3, record.decisionRecord, what)
      : { trail: [] };
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
      ...(decisions.policy ? { policy: decisions.policy } : {}),
      decisionTrail: decisions.trail,
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
