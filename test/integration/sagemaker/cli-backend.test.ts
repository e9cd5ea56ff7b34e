import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { openHosting } from '../../../src/backends/compose-backends';
import {
  HostingError,
  type EndpointDescription,
  type ScalingPolicy,
} from '../../../src/backends/hosting';
import type { ModelVersion } from '../../../src/backends/registry';
import { createAwsClients } from '../../../src/backends/sagemaker/aws-clients';
import { SageMakerHosting } from '../../../src/backends/sagemaker/sagemaker-hosting';
import { SageMakerRegistry } from '../../../src/backends/sagemaker/sagemaker-registry';
import type { SageMakerSettings } from '../../../src/backends/sagemaker-settings';
import { runFerryAsync } from '../../fixtures/ferry-cli';

// `ferry models` and `ferry endpoints` with --backend sagemaker, against the
// moto server global setup started (the CLI inherits its AWS_ENDPOINT_URL and
// fake credentials): they read and manage SageMaker with a region only.

const REGION = 'us-east-1';

const POLICY: ScalingPolicy = {
  minReplicas: 2,
  maxReplicas: 3,
  targetInvocationsPerReplica: 50,
  metricWindowSeconds: 60,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
  coldStartTimeoutSeconds: 60,
};

describe('the CLI on the SageMaker backend, on moto', () => {
  const clients = createAwsClients(REGION);
  const suffix = randomUUID().slice(0, 8);
  const group = `cli-${suffix}`;
  const endpoint = `cli-ep-${suffix}`;
  const settings: SageMakerSettings = {
    region: REGION,
    roleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
    bucket: `ferry-cli-${suffix}`,
    prefix: 'ferry',
    trainingInstanceType: 'ml.m5.large',
    endpointInstanceType: 'ml.m5.large',
    images: {},
  };
  // A home of its own, so a local registry or host is never touched by mistake.
  const env = { FERRY_HOME: mkdtempSync(path.join(os.tmpdir(), 'ferry-cli-sm-')) };
  const sagemaker = ['--backend', 'sagemaker', '--region', REGION];

  beforeAll(async () => {
    await clients.s3.send(new CreateBucketCommand({ Bucket: settings.bucket }));
    await new SageMakerRegistry(clients, settings).registerVersion({
      group,
      metrics: { roc_auc: 0.81 },
      lineage: {
        runId: `run-${suffix}`,
        candidateId: 'c01',
        algorithm: 'xgboost',
        hyperparameters: { eta: 0.1 },
        datasetFingerprint: 'sha256:abc',
        configHash: 'def',
        artifactPath: `s3://${settings.bucket}/ferry/runs/r1/model.tar.gz`,
        artifactSha256: '0'.repeat(64),
      },
      tags: {},
      registeredBy: 'alice',
    });
    await new SageMakerHosting(clients, settings).deploy({
      endpoint,
      deploymentId: `${endpoint}-deploy`,
      model: {
        group,
        version: 1,
        algorithm: 'xgboost',
        modelDir: `s3://${settings.bucket}/ferry/runs/r1/model.tar.gz`,
      },
      policy: POLICY,
    });
  });

  afterAll(() => {
    clients.sagemaker.destroy();
    clients.s3.destroy();
    clients.autoscaling.destroy();
    clients.runtime.destroy();
  });

  it("lists and shows a Model Package Group's versions", async () => {
    const list = await runFerryAsync(['models', 'list', group, ...sagemaker], { env });
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${group} v1 +PendingManualApproval +xgboost`, 'm'));

    const show = await runFerryAsync(['models', 'show', group, '1', '--json', ...sagemaker], {
      env,
    });
    const version = JSON.parse(show.stdout) as ModelVersion;
    expect(version).toMatchObject({ group, version: 1, status: 'PendingManualApproval' });
    expect(version.lineage.runId).toBe(`run-${suffix}`);
  });

  it('lists the endpoints Ferry made in the region, and deletes one', async () => {
    const list = await runFerryAsync(['endpoints', 'list', ...sagemaker], { env });
    expect(list.status).toBe(0);
    // Other test files share the moto server: look for this test's endpoint only.
    expect(list.stdout).toMatch(new RegExp(`^${endpoint}  InService  ${group} v1  `, 'm'));
    expect(list.stdout).toContain('2 ready of 2 desired (2 instances)');

    const deleted = await runFerryAsync(['endpoints', 'delete', endpoint, ...sagemaker], { env });
    expect(deleted.stdout).toBe(`deleted endpoint ${endpoint}\n`);
    const after = await runFerryAsync(['endpoints', 'list', '--json', ...sagemaker], { env });
    const names = (JSON.parse(after.stdout) as { endpoint: EndpointDescription }[]).map(
      (entry) => entry.endpoint.name,
    );
    expect(names).not.toContain(endpoint);
  });

  it('refuses a deployment through hosting opened with a region only, naming what it needs', async () => {
    const hosting = openHosting('sagemaker', env.FERRY_HOME, REGION);
    const deploy = hosting.deploy({
      endpoint: `never-${suffix}`,
      deploymentId: `never-${suffix}-deploy`,
      model: { group, version: 1, algorithm: 'xgboost', modelDir: 's3://nowhere/model.tar.gz' },
      policy: POLICY,
    });
    await expect(deploy).rejects.toThrow(HostingError);
    await expect(deploy).rejects.toThrow(/needs the pipeline's sagemaker section/);
  });

  it('refuses an unknown backend before doing anything', async () => {
    const result = await runFerryAsync(['models', 'list', group, '--backend', 'azure'], { env });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Allowed choices are local, sagemaker/);
  });
});
