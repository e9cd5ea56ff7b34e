import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  AddTagsCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import { RegistryError, type Lineage, type ModelVersion } from '../../../src/backends/registry';
import { createAwsClients } from '../../../src/backends/sagemaker/aws-clients';
import { parseS3Uri } from '../../../src/backends/sagemaker/s3-paths';
import {
  policyHistoryTags,
  readPolicyHistory,
} from '../../../src/backends/sagemaker/policy-history-tags';
import {
  decodeVersionRecord,
  encodeVersionRecord,
  METADATA_MAX_ENTRIES,
  METADATA_VALUE_MAX_CHARS,
  type VersionRecord,
} from '../../../src/backends/sagemaker/registry-metadata';
import { SageMakerRegistry } from '../../../src/backends/sagemaker/sagemaker-registry';
import type { SageMakerSettings } from '../../../src/backends/sagemaker-settings';
import { approvalPolicySchema, type PolicyRecord } from '../../../src/policy/approval-policy';
import type { DecisionTrailEntry } from '../../../src/policy/decision-trail';
import { resolvePolicy, type PolicyInForce } from '../../../src/policy/policy-in-force';
import { policyRecordOf } from '../../../src/policy/policy-record';
import { findChainBreak, policyDigest } from '../../../src/policy/trail-chain';

const settings: SageMakerSettings = {
  region: 'us-east-1',
  roleArn: 'arn:aws:iam::123456789012:role/FerryRegistry',
  bucket: `ferry-registry-${process.pid}`,
  prefix: 'ferry',
  trainingInstanceType: 'ml.m5.large',
  images: {},
  endpointInstanceType: 'ml.m5.large',
};

/** SageMaker's character set for CustomerMetadataProperties keys and values. */
const METADATA_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;

function uniqueGroup(): string {
  return `reg-${randomUUID().slice(0, 8)}`;
}

function lineage(runId: string, candidateId = 'c01'): Lineage {
  return {
    runId,
    candidateId,
    algorithm: 'xgboost',
    hyperparameters: { eta: 0.1, max_depth: 4 },
    datasetFingerprint: 'sha256:abc',
    configHash: 'def',
    artifactPath: `s3://${settings.bucket}/ferry/runs/${runId}/${candidateId}/model.tar.gz`,
    artifactSha256: '0'.repeat(64),
  };
}

describe('SageMakerRegistry against moto', () => {
  const clients = createAwsClients('us-east-1');
  const registry = new SageMakerRegistry(clients, settings);

  beforeAll(async () => {
    await clients.s3.send(new CreateBucketCommand({ Bucket: settings.bucket }));
  });

  afterAll(() => {
    clients.sagemaker.destroy();
    clients.s3.destroy();
  });

  async function register(
    group: string,
    runId: string,
    candidateId = 'c01',
  ): Promise<ModelVersion> {
    return registry.registerVersion({
      group,
      metrics: { roc_auc: 0.81, log_loss: 0.42 },
      lineage: lineage(runId, candidateId),
      tags: { team: 'growth' },
      registeredBy: 'alice',
    });
  }

  async function countPackages(group: string): Promise<number> {
    const listed = await clients.sagemaker.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: group, MaxResults: 100 }),
    );
    return listed.ModelPackageSummaryList?.length ?? 0;
  }

  test('registers version 1 pending approval, with metrics, lineage and tags read back', async () => {
    const group = uniqueGroup();
    const first = await register(group, 'run-a');
    expect(first).toMatchObject({
      group,
      version: 1,
      status: 'PendingManualApproval',
      metrics: { roc_auc: 0.81, log_loss: 0.42 },
      lineage: lineage('run-a'),
      tags: { team: 'growth' },
      deployments: [],
    });
    expect(first.statusHistory).toEqual([
      {
        status: 'PendingManualApproval',
        by: 'alice',
        at: expect.any(String) as string,
        reason: 'registered by run run-a',
      },
    ]);
    expect(Number.isNaN(Date.parse(first.createdAt))).toBe(false);
    expect(await registry.getVersion(group, 1)).toEqual(first);
  });

  test('makes a deployable package whose model-quality statistics are the metrics in S3', async () => {
    const group = uniqueGroup();
    await register(group, 'run-d', 'c07');
    const listed = await clients.sagemaker.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: group }),
    );
    const described = await clients.sagemaker.send(
      new DescribeModelPackageCommand({
        ModelPackageName: listed.ModelPackageSummaryList?.[0]?.ModelPackageArn,
      }),
    );
    expect(described.InferenceSpecification?.Containers?.[0]).toMatchObject({
      Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
      ModelDataUrl: lineage('run-d', 'c07').artifactPath,
    });
    expect(described.InferenceSpecification?.SupportedContentTypes).toEqual([
      'text/csv',
      'application/json',
    ]);
    const statistics = described.ModelMetrics?.ModelQuality?.Statistics;
    expect(statistics?.S3Uri).toBe(
      `s3://${settings.bucket}/ferry/runs/run-d/registry/c07-metrics.json`,
    );
    const object = await clients.s3.send(
      new GetObjectCommand({
        Bucket: settings.bucket,
        Key: 'ferry/runs/run-d/registry/c07-metrics.json',
      }),
    );
    const body = JSON.parse(await object.Body!.transformToString()) as { metrics: unknown };
    expect(body.metrics).toEqual({ roc_auc: 0.81, log_loss: 0.42 });
  });

  test('numbers further versions 2 and 3, and lists them across pages', async () => {
    const group = uniqueGroup();
    const versions = [];
    for (const run of ['run-a', 'run-b', 'run-c'])
      versions.push((await register(group, run)).version);
    expect(versions).toEqual([1, 2, 3]);
    // A page of 2 makes the listing follow NextToken.
    const firstPage = await clients.sagemaker.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: group, MaxResults: 2 }),
    );
    expect(firstPage.NextToken).toBeDefined();
    const paged = new SageMakerRegistry(clients, settings, { pageSize: 2 });
    const listed = await paged.listVersions(group);
    expect(listed.map((v) => [v.version, v.lineage.runId])).toEqual([
      [1, 'run-a'],
      [2, 'run-b'],
      [3, 'run-c'],
    ]);
  });

  test('gives the same version back when a run registers the same candidate again, leaving one package', async () => {
    const group = uniqueGroup();
    const first = await register(group, 'run-a');
    const again = await register(group, 'run-a');
    const otherCandidate = await register(group, 'run-a', 'c02');
    expect(again.version).toBe(first.version);
    expect(again.statusHistory).toHaveLength(1);
    expect(otherCandidate.version).toBe(2);
    expect(await countPackages(group)).toBe(2);
  });

  test('records approvals and rejections, which SageMaker reads back, and finds the latest approved', async () => {
    const group = uniqueGroup();
    for (const run of ['run-a', 'run-b', 'run-c']) await register(group, run);
    expect(await registry.latestApproved(group)).toBeUndefined();
    await registry.setStatus({ group, version: 1, status: 'Approved', by: 'bob', reason: 'first' });
    const approved = await registry.setStatus({
      group,
      version: 2,
      status: 'Approved',
      by: 'bob',
      reason: 'better on roc_auc',
    });
    const rejected = await registry.setStatus({
      group,
      version: 3,
      status: 'Rejected',
      by: 'carol',
      reason: 'fails fairness review',
    });
    expect(approved.status).toBe('Approved');
    expect(rejected.status).toBe('Rejected');
    expect(rejected.statusHistory.map((c) => [c.status, c.by, c.reason])).toEqual([
      ['PendingManualApproval', 'alice', 'registered by run run-c'],
      ['Rejected', 'carol', 'fails fairness review'],
    ]);
    expect((await registry.latestApproved(group))?.version).toBe(2);

    const listed = await clients.sagemaker.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: group }),
    );
    const second = listed.ModelPackageSummaryList?.find((s) => s.ModelPackageVersion === 2);
    const described = await clients.sagemaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: second?.ModelPackageArn }),
    );
    expect(described.ModelApprovalStatus).toBe('Approved');
    expect(described.ApprovalDescription).toBe('better on roc_auc');
  });

  test('records each deployment move once, however often it is retried, and keeps the status', async () => {
    const group = uniqueGroup();
    await register(group, 'run-d');
    await registry.setStatus({ group, version: 1, status: 'Approved', by: 'bob', reason: 'ok' });
    const move = {
      group,
      version: 1,
      endpoint: group,
      action: 'deployed' as const,
      deploymentId: 'run-d-deploy',
      detail: 'created the endpoint',
    };
    await registry.recordDeployment(move);
    await registry.recordDeployment(move);
    const rolledBack = await registry.recordDeployment({ ...move, action: 'rolled-back' });
    expect(rolledBack.deployments.map((d) => [d.action, d.deploymentId, d.endpoint])).toEqual([
      ['deployed', 'run-d-deploy', group],
      ['rolled-back', 'run-d-deploy', group],
    ]);
    // moto clears what UpdateModelPackage is not sent; the status must survive.
    expect(rolledBack.status).toBe('Approved');
    expect(rolledBack.statusHistory).toHaveLength(2);
    await expect(registry.recordDeployment({ ...move, version: 9 })).rejects.toThrow(
      `model ${group} has no version 9`,
    );
  });

  test('registers into a group another run created between its look and its create', async () => {
    const racing = createAwsClients('us-east-1');
    // A fault moto cannot produce: it replaces a group on a second create
    // where SageMaker refuses. The group is really created, then the answer
    // is the refusal SageMaker gives the loser of the race.
    racing.sagemaker.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'CreateModelPackageGroupCommand') return next(args);
        await next(args);
        throw Object.assign(
          new Error('Model Package Group already exists: arn:aws:sagemaker:...'),
          {
            name: 'ValidationException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          },
        );
      },
      { step: 'initialize' },
    );
    try {
      const group = uniqueGroup();
      const created = await new SageMakerRegistry(racing, settings).registerVersion({
        group,
        metrics: {},
        lineage: lineage('run-r'),
        registeredBy: 'alice',
      });
      expect(created.version).toBe(1);
    } finally {
      racing.sagemaker.destroy();
      racing.s3.destroy();
    }
  });

  test("lists the groups Ferry made, across pages, and not the account's others", async () => {
    const ours = [uniqueGroup(), uniqueGroup()];
    for (const group of ours) await register(group, 'run-a');
    const theirs = uniqueGroup();
    await clients.sagemaker.send(
      new CreateModelPackageGroupCommand({
        ModelPackageGroupName: theirs,
        ModelPackageGroupDescription: 'made by hand',
      }),
    );
    const groups = await new SageMakerRegistry(clients, settings, { pageSize: 1 }).listGroups();
    expect(groups).toEqual(expect.arrayContaining(ours));
    expect(groups).not.toContain(theirs);
  });

  test('reads nothing, without failing, from a group that does not exist', async () => {
    const group = uniqueGroup();
    expect(await registry.getVersion(group, 1)).toBeUndefined();
    expect(await registry.listVersions(group)).toEqual([]);
    expect(await registry.latestApproved(group)).toBeUndefined();
  });

  test('refuses a status change for a version the group does not have', async () => {
    const group = uniqueGroup();
    await register(group, 'run-a');
    const error = await registry
      .setStatus({ group, version: 9, status: 'Approved', by: 'x', reason: 'y' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toBe(`model ${group} has no version 9`);
  });

  test('refuses, and changes nothing, when a history would outgrow the metadata limits', async () => {
    const group = uniqueGroup();
    await register(group, 'run-h');
    const detail = 'x'.repeat(1000);
    let recorded = 0;
    let error: unknown;
    for (; recorded < 20; recorded++) {
      error = await registry
        .recordDeployment({
          group,
          version: 1,
          endpoint: group,
          action: 'deployed',
          deploymentId: `deploy-${recorded}`,
          detail,
        })
        .then(() => undefined)
        .catch((e: unknown) => e);
      if (error) break;
    }
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `model group ${group} version 1: .* needs \\d+ customer metadata entries, and SageMaker allows 50 per model package; nothing was changed`,
      ),
    );
    expect(recorded).toBeGreaterThan(2);
    const after = await registry.getVersion(group, 1);
    expect(after?.deployments).toHaveLength(recorded);
  });

  test('reads without settings, and asks for the sagemaker section to register', async () => {
    const group = uniqueGroup();
    await register(group, 'run-a');
    const readOnly = new SageMakerRegistry(clients);
    expect((await readOnly.getVersion(group, 1))?.lineage.runId).toBe('run-a');
    await expect(
      readOnly.registerVersion({
        group,
        metrics: {},
        lineage: lineage('run-b'),
        registeredBy: 'alice',
      }),
    ).rejects.toThrow(/needs the pipeline's sagemaker section/);
  });

  describe('approval policies and decision trails', () => {
    const policyOf = (approvers: string[], quorum = 1) =>
      approvalPolicySchema.parse({ approvers, approvals: quorum });

    /** A run's file that leaves the decision to the group's policy. */
    const deferringFile = { approvers: [], allowStarterToApprove: false };

    function trailEntry(overrides: Partial<DecisionTrailEntry> = {}): DecisionTrailEntry {
      return {
        at: '2026-12-03T14:00:00.000Z',
        via: 'update',
        action: 'approve',
        accepted: true,
        subject: 'bob',
        issuer: 'https://id.example.com',
        tokenId: 'tok-1',
        eligibleAs: 'approver',
        message: 'looks good on the holdout',
        ...overrides,
      };
    }

    const refused = trailEntry({
      subject: 'alice',
      tokenId: 'tok-0',
      accepted: false,
      eligibleAs: undefined,
      message: 'approving my own run',
      reason: 'alice started the run, and group policy revision 1 forbids the starter to approve',
    });
    // Long messages are why the trail lives in S3 rather than in the package's metadata.
    const accepted = trailEntry({ message: `ok ${'x'.repeat(9_000)}` });

    async function groupTags(group: string): Promise<Tag[]> {
      const { ModelPackageGroupArn } = await clients.sagemaker.send(
        new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }),
      );
      const tags: Tag[] = [];
      let NextToken: string | undefined;
      do {
        const page = await clients.sagemaker.send(
          new ListTagsCommand({ ResourceArn: ModelPackageGroupArn, NextToken }),
        );
        tags.push(...(page.Tags ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return tags;
    }

    async function registerUnder(
      group: string,
      runId: string,
      policy: PolicyInForce,
    ): Promise<ModelVersion> {
      return registry.registerVersion({
        group,
        metrics: { roc_auc: 0.8 },
        lineage: lineage(runId),
        registeredBy: 'alice',
        policy,
      });
    }

    /** Where the version's record says its decision record is. */
    async function decisionRecordUri(group: string, version: number): Promise<string> {
      const listed = await clients.sagemaker.send(
        new ListModelPackagesCommand({ ModelPackageGroupName: group }),
      );
      const summary = listed.ModelPackageSummaryList?.find(
        (s) => s.ModelPackageVersion === version,
      );
      const described = await clients.sagemaker.send(
        new DescribeModelPackageCommand({ ModelPackageName: summary?.ModelPackageArn }),
      );
      const record = decodeVersionRecord(described.CustomerMetadataProperties, 'test');
      return record?.decisionRecord?.uri ?? '';
    }

    test('keeps every revision of a group policy, numbered from 1, with who set it and its digest', async () => {
      const group = uniqueGroup();
      const first = await registry.setPolicy({
        group,
        policy: policyOf(['bob', 'carol']),
        setBy: 'admin',
      });
      const second = await registry.setPolicy({
        group,
        policy: policyOf(['bob', 'carol', 'dan'], 2),
        setBy: 'root',
      });
      expect([first.revision, first.setBy, second.revision, second.setBy]).toEqual([
        1,
        'admin',
        2,
        'root',
      ]);
      for (const record of [first, second]) {
        const { group: g, revision, policy, setBy, setAt } = record;
        expect(record.sha256).toBe(policyRecordOf(g, revision, policy, setBy, setAt).sha256);
      }
      expect(await registry.getPolicy(group)).toEqual(second);
      expect(await registry.listPolicyRevisions(group)).toEqual([first, second]);
      // Reading needs no settings: the CLI has only a region.
      expect(await new SageMakerRegistry(clients).listPolicyRevisions(group)).toEqual([
        first,
        second,
      ]);
    });

    test('keeps the policy in group tags within SageMaker limits, one history at a time', async () => {
      const group = uniqueGroup();
      for (const setBy of ['a', 'b', 'c'])
        await registry.setPolicy({ group, policy: policyOf(['bob']), setBy });
      const tags = await groupTags(group);
      expect(tags.length).toBeLessThanOrEqual(50);
      for (const { Key, Value } of tags) {
        expect(Key!.length).toBeLessThanOrEqual(128);
        expect(Value!.length).toBeLessThanOrEqual(256);
        expect(Key).toMatch(METADATA_CHARACTERS);
        expect(Value).toMatch(METADATA_CHARACTERS);
      }
      // Revisions 1 and 2's histories were removed once revision 3's was written.
      expect(new Set(tags.map((t) => /^ferry:policies:(\d+):/.exec(t.Key!)?.[1]))).toEqual(
        new Set(['3']),
      );
    });

    test('reads the newest history left by a write that stopped half-way, and tidies it on the next', async () => {
      const group = uniqueGroup();
      const first = await registry.setPolicy({ group, policy: policyOf(['bob']), setBy: 'a' });
      const second = await registry.setPolicy({ group, policy: policyOf(['carol']), setBy: 'b' });
      // As if the write of revision 2 had stopped before deleting revision 1's tags.
      const { ModelPackageGroupArn } = await clients.sagemaker.send(
        new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }),
      );
      await clients.sagemaker.send(
        new AddTagsCommand({
          ResourceArn: ModelPackageGroupArn,
          Tags: Object.entries(policyHistoryTags([first])).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      expect(await registry.getPolicy(group)).toEqual(second);
      const third = await registry.setPolicy({ group, policy: policyOf(['dan']), setBy: 'c' });
      expect((await registry.listPolicyRevisions(group)).map((r) => r.revision)).toEqual([1, 2, 3]);
      expect(third.revision).toBe(3);
      expect((await groupTags(group)).every((t) => t.Key!.startsWith('ferry:policies:3:'))).toBe(
        true,
      );
    });

    test('refuses a revision whose history would not fit in the group tags, and changes nothing', async () => {
      const group = uniqueGroup();
      const first = await registry.setPolicy({ group, policy: policyOf(['bob']), setBy: 'a' });
      const { ModelPackageGroupArn } = await clients.sagemaker.send(
        new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }),
      );
      const othersTags = Array.from({ length: 44 }, (_, i) => ({ Key: `team:${i}`, Value: 'x' }));
      await clients.sagemaker.send(
        new AddTagsCommand({ ResourceArn: ModelPackageGroupArn, Tags: othersTags }),
      );
      // Names that do not compress: the history needs several tags.
      const many = Array.from({ length: 40 }, () => `p${randomUUID().replaceAll('-', '')}`);
      const error = await registry
        .setPolicy({ group, policy: policyOf(many), setBy: 'b' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `model package group ${group}: revision 2 of its approval policy needs \\d+ tags .* 44 tags that are not Ferry's, and SageMaker allows 50 tags per model package group; nothing was changed. Remove tags`,
        ),
      );
      expect(await registry.listPolicyRevisions(group)).toEqual([first]);
    });

    test('finds no policy for a group without one, nor for a group that does not exist', async () => {
      const group = uniqueGroup();
      await register(group, 'run-a');
      expect(await registry.getPolicy(group)).toBeUndefined();
      expect(await registry.listPolicyRevisions(group)).toEqual([]);
      expect(await registry.getPolicy(uniqueGroup())).toBeUndefined();
      expect(await registry.listPolicyRevisions(uniqueGroup())).toEqual([]);
    });

    test('gives back the policy a version was registered under, and an empty trail', async () => {
      const group = uniqueGroup();
      const record = await registry.setPolicy({
        group,
        policy: policyOf(['bob', 'carol'], 2),
        setBy: 'admin',
      });
      const policy = resolvePolicy(group, record, deferringFile);
      const registered = await registerUnder(group, 'run-p', policy);
      expect(registered.policy).toEqual(policy);
      expect(registered.decisionTrail).toEqual([]);
      expect(await new SageMakerRegistry(clients).getVersion(group, 1)).toEqual(registered);
      // A version registered without a policy has none, and an empty trail too.
      const plain = await register(group, 'run-q');
      expect(plain.policy).toBeUndefined();
      expect(plain.decisionTrail).toEqual([]);
    });

    test('appends the decision trail, chained from the policy, once however often it is recorded', async () => {
      const group = uniqueGroup();
      const policy = resolvePolicy(group, undefined, { ...deferringFile, approvers: ['bob'] });
      await registerUnder(group, 'run-t', policy);
      const once = await registry.recordDecisionTrail({ group, version: 1, entries: [refused] });
      expect(once.decisionTrail.map((e) => [e.seq, e.subject, e.accepted])).toEqual([
        [0, 'alice', false],
      ]);
      expect(once.decisionTrail[0]?.prevSha256).toBe(policyDigest(policy));

      const twice = await registry.recordDecisionTrail({
        group,
        version: 1,
        entries: [refused, accepted],
      });
      const again = await registry.recordDecisionTrail({
        group,
        version: 1,
        entries: [refused, accepted],
      });
      expect(twice.decisionTrail[0]).toEqual(once.decisionTrail[0]);
      expect(twice.decisionTrail.map((e) => e.seq)).toEqual([0, 1]);
      expect(twice.decisionTrail[1]?.message).toBe(accepted.message);
      expect(again.decisionTrail).toEqual(twice.decisionTrail);
      expect(findChainBreak(policy, again.decisionTrail)).toBeUndefined();
      expect((await new SageMakerRegistry(clients).getVersion(group, 1))?.decisionTrail).toEqual(
        twice.decisionTrail,
      );
      // The status and history recorded beside it survive the record's update.
      expect(again.status).toBe('PendingManualApproval');
      expect(again.statusHistory).toHaveLength(1);
    });

    test('refuses a trail that rewrites a recorded entry, and keeps the one it has', async () => {
      const group = uniqueGroup();
      const policy = resolvePolicy(group, undefined, { ...deferringFile, approvers: ['bob'] });
      await registerUnder(group, 'run-w', policy);
      const stored = await registry.recordDecisionTrail({
        group,
        version: 1,
        entries: [refused, accepted],
      });
      const error = await registry
        .recordDecisionTrail({
          group,
          version: 1,
          entries: [refused, { ...accepted, message: 'approved, no questions' }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as Error).message).toBe(
        `model group ${group} version 1: the decision trail is append-only, and entry 1 differs from the one stored; nothing was changed`,
      );
      const shorter = await registry
        .recordDecisionTrail({ group, version: 1, entries: [accepted] })
        .catch((e: unknown) => e);
      expect(shorter).toBeInstanceOf(RegistryError);
      expect((await registry.getVersion(group, 1))?.decisionTrail).toEqual(stored.decisionTrail);
    });

    test('refuses a trail for a version the group does not have', async () => {
      const group = uniqueGroup();
      const error = await registry
        .recordDecisionTrail({ group, version: 4, entries: [accepted] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as Error).message).toBe(
        `model ${group} has no version 4, so there is nowhere to keep its decision trail`,
      );
    });

    test('detects a decision record edited in S3 behind Ferry’s back', async () => {
      const group = uniqueGroup();
      const policy = resolvePolicy(group, undefined, { ...deferringFile, approvers: ['bob'] });
      await registerUnder(group, 'run-e', policy);
      await registry.recordDecisionTrail({ group, version: 1, entries: [refused] });
      const uri = await decisionRecordUri(group, 1);
      expect(uri).toMatch(
        new RegExp(
          `^s3://${settings.bucket}/ferry/runs/run-e/registry/c01-decision-records/[0-9a-f]{64}\\.json$`,
        ),
      );
      const { bucket, key } = parseS3Uri(uri);
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const edited = (await object.Body!.transformToString()).replace(
        'approving my own run',
        'approving a run someone else started',
      );
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: edited }));

      const error = await registry.getVersion(group, 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as Error).message).toContain(
        `model group ${group} version 1: its decision record ${uri} was changed outside Ferry`,
      );
      await expect(
        registry.recordDecisionTrail({ group, version: 1, entries: [refused, accepted] }),
      ).rejects.toThrow(/was changed outside Ferry/);
    });
  });
});

describe('the registry record in customer metadata', () => {
  const record: VersionRecord = {
    lineage: lineage('run-ü', 'c01'),
    metrics: { rmse: 20_000.5, r2: -0.25 },
    tags: { 'owner/team': 'café {growth}, "quoted"' },
    registeredBy: 'alice',
    statusHistory: [
      { status: 'Approved', by: 'bob', at: '2025-01-01T00:00:00Z', reason: 'x'.repeat(600) },
    ],
    deployments: [
      {
        endpoint: 'e',
        action: 'deployed',
        at: '2025-01-02T00:00:00Z',
        detail: 'd',
        deploymentId: 'id',
      },
    ],
  };

  test('round-trips within SageMaker limits on entries, lengths and characters', () => {
    const entries = encodeVersionRecord(record, 'test');
    expect(Object.keys(entries).length).toBeGreaterThan(2);
    expect(Object.keys(entries).length).toBeLessThanOrEqual(METADATA_MAX_ENTRIES);
    for (const [key, value] of Object.entries(entries)) {
      expect(key.length).toBeLessThanOrEqual(128);
      expect(value.length).toBeLessThanOrEqual(METADATA_VALUE_MAX_CHARS);
      expect(key).toMatch(METADATA_CHARACTERS);
      expect(value).toMatch(METADATA_CHARACTERS);
    }
    expect(decodeVersionRecord(entries, 'test')).toEqual(record);
  });

  test('reads a package without Ferry metadata as not Ferry’s, and a damaged one as an error', () => {
    expect(decodeVersionRecord(undefined, 'test')).toBeUndefined();
    expect(decodeVersionRecord({ owner: 'someone' }, 'test')).toBeUndefined();
    const entries = encodeVersionRecord(record, 'test');
    delete entries['ferry:1'];
    expect(() => decodeVersionRecord(entries, 'model g version 1')).toThrow(
      /model g version 1: its Ferry metadata lacks entry ferry:1/,
    );
  });

  test('refuses a record too large for 50 entries', () => {
    const huge = {
      ...record,
      statusHistory: [{ ...record.statusHistory[0]!, reason: 'x'.repeat(20_000) }],
    };
    expect(() => encodeVersionRecord(huge, 'model g version 1')).toThrow(RegistryError);
  });
});

describe('the policy history in group tags', () => {
  const records: PolicyRecord[] = ['bob', 'carol'].map((name, index) =>
    policyRecordOf(
      'g',
      index + 1,
      approvalPolicySchema.parse({ approvers: [name] }),
      'admin',
      `2026-01-0${index + 1}T00:00:00.000Z`,
    ),
  );

  test('round-trips, with each digest computed again from its policy', () => {
    const tags = new Map(Object.entries(policyHistoryTags(records)));
    expect(readPolicyHistory('g', tags).records).toEqual(records);
  });

  test('reads a damaged history as an error naming the group and the tag', () => {
    const tags = new Map(Object.entries(policyHistoryTags(records)));
    tags.delete('ferry:policies:2:0');
    expect(() => readPolicyHistory('g', tags)).toThrow(
      /model package group g: its approval policy tags \(ferry:policies:2:\*\) lack ferry:policies:2:0 of 1; someone edited the group's tags/,
    );
  });
});
