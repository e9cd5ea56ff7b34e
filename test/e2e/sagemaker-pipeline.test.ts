import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeModelPackageCommand,
  ListEndpointsCommand,
  ListModelPackagesCommand,
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
} from '@aws-sdk/client-sagemaker';
import { validatePipeline } from '../../src/config/validate-pipeline';
import { createAwsClients } from '../../src/backends/sagemaker/aws-clients';
import { approveWhenWaiting } from '../../src/temporal/run-control';
import type { RunReport } from '../../src/report';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { churnDataset, penguinsOneModel } from '../fixtures/pipelines';
import {
  attachTrainingContainerStandIn,
  type TrainingContainerStandIn,
} from '../fixtures/training-container-stand-in';
import { logAwsCalls, type AwsCall } from '../fixtures/aws-call-log';
import { holdEndpointsCreating } from '../fixtures/sagemaker-middleware';

const suffix = randomBytes(3).toString('hex');
const bucket = `ferry-e2e-${suffix}`;
const clients = createAwsClients('us-east-1');
let standIn: TrainingContainerStandIn;
let harness: WorkerHarness;
let calls: AwsCall[];
/** Real endpoints take minutes to start; moto's are InService at once. */
const ENDPOINT_CREATING_SECONDS = 12;

beforeAll(async () => {
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  // moto runs no container: the stand-in trains where SageMaker's would (see its comment).
  standIn = attachTrainingContainerStandIn(clients.sagemaker, clients.s3);
  holdEndpointsCreating(clients.sagemaker, ENDPOINT_CREATING_SECONDS);
  calls = logAwsCalls(clients);
  harness = await startWorkerHarness({ awsClients: () => clients });
});
afterAll(async () => {
  await harness?.stop();
  await standIn?.close();
});

/** What moto's InvokeEndpoint answers next (it runs no model): a prediction as the endpoint would give it. */
async function queueEndpointAnswer(body: string): Promise<void> {
  const response = await fetch(
    `${process.env.AWS_ENDPOINT_URL}/moto-api/static/sagemaker/endpoint-results`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ results: [{ Body: body, ContentType: 'application/json' }] }),
    },
  );
  expect(response.ok).toBe(true);
}

/**
 * The same workflow with `backend: sagemaker`, on the real dev server against
 * moto: training jobs, the Model Package registry, an endpoint with
 * Application Auto Scaling, a load test over InvokeEndpoint, and the report.
 */
test('a sagemaker run trains, registers, waits, deploys, scales, load-tests over InvokeEndpoint and reports', async () => {
  const group = `penguins-sm-${suffix}`;
  const validation = await validatePipeline(
    penguinsOneModel(group, {
      name: 'penguins-sm',
      backend: 'sagemaker',
      sagemaker: {
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::123456789012:role/FerryExecution',
        bucket,
      },
      endpoint: { name: group, minReplicas: 1, maxReplicas: 3, instanceType: 'ml.m5.large' },
    }),
    { baseDir: process.cwd() },
  );
  if (!validation.ok) throw new Error(JSON.stringify(validation.problems));
  const answer = JSON.stringify({
    classes: ['Adelie', 'Chinstrap', 'Gentoo'],
    probabilities: [[0.9, 0.05, 0.05]],
  });
  await queueEndpointAnswer(answer);

  const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-sm-${suffix}`,
    config: validation.config,
  });
  const result = await approveWhenWaiting(handle, await person(harness.home, 'alice'), 'ship it');
  expect(result.outcome).toBe('deployed');

  // Training: the candidate's job (on train, scored on validation), then the
  // refit of the chosen one on train + validation: a job with no validation
  // channel, reading the split the prepare step put in S3. The stand-in ran
  // both; its metric definitions matched train.py's output.
  const jobs = await clients.sagemaker.send(
    new ListTrainingJobsCommand({ NameContains: `ferry-sm-${suffix}` }),
  );
  expect(jobs.TrainingJobSummaries?.map((job) => job.TrainingJobName).sort()).toEqual([
    `ferry-sm-${suffix}-c01`,
    `ferry-sm-${suffix}-c01-refit`,
  ]);
  expect([...standIn.jobs.values()].map((job) => job.state)).toEqual(['Completed', 'Completed']);
  const refit = await clients.sagemaker.send(
    new DescribeTrainingJobCommand({ TrainingJobName: `ferry-sm-${suffix}-c01-refit` }),
  );
  expect(refit.InputDataConfig?.map((channel) => channel.ChannelName)).toEqual(['train']);
  expect(refit.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri).toMatch(
    new RegExp(`^s3://${bucket}/ferry/runs/ferry-sm-${suffix}/data/train-validation/$`),
  );
  expect(result.leaderboard?.[0]?.metrics.accuracy).toBeGreaterThan(0.9);
  expect(result.winner?.trainedOn).toBe('train+validation');

  // Registry: version 1, approved in SageMaker itself, its model in S3.
  expect(result.modelVersion).toEqual({ group, version: 1, status: 'Approved' });
  const packages = await clients.sagemaker.send(
    new ListModelPackagesCommand({ ModelPackageGroupName: group }),
  );
  expect(packages.ModelPackageSummaryList).toHaveLength(1);
  const described = await clients.sagemaker.send(
    new DescribeModelPackageCommand({
      ModelPackageName: packages.ModelPackageSummaryList?.[0]?.ModelPackageArn,
    }),
  );
  expect(described.ModelApprovalStatus).toBe('Approved');
  expect(described.InferenceSpecification?.Containers?.[0]?.ModelDataUrl).toMatch(
    new RegExp(`^s3://${bucket}/ferry/runs/ferry-sm-${suffix}/training/.*/output/model.tar.gz$`),
  );

  // While it was creating, the endpoint was read on a backoff (1 s, growing by half, up
  // to 15 s: about 6 reads in 12 s), not every 250 ms (48 reads); plus the ownership checks'
  // reads of what the endpoint serves (when the run starts, before it registers, and right
  // before it deploys).
  const describes = calls.filter((c) => c.operation === 'DescribeEndpoint').length;
  expect(describes).toBeGreaterThanOrEqual(4 + 3);
  expect(describes).toBeLessThanOrEqual(12 + 3);

  // Hosting: one endpoint, InService, with a scaling policy.
  const endpoints = await clients.sagemaker.send(new ListEndpointsCommand({ NameContains: group }));
  expect(endpoints.Endpoints?.map((e) => [e.EndpointName, e.EndpointStatus])).toEqual([
    [group, 'InService'],
  ]);
  expect(result.release?.autoscaling?.policy.maxReplicas).toBe(3);

  // Load test over InvokeEndpoint: moto answered with the queued prediction.
  const loadTest = result.release?.loadTest;
  expect(loadTest?.sample.response).toBe(answer);
  expect(loadTest?.result.errors).toBe(0);
  expect(loadTest?.result.ok).toBeGreaterThan(0);
  expect(loadTest?.verdict.passed).toBe(true);

  // The report is in S3 (any worker may have written it), and in the writing worker's home.
  const reportKey = `ferry/runs/ferry-sm-${suffix}/report/report.json`;
  expect(result.report.json).toBe(`s3://${bucket}/${reportKey}`);
  const stored = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey }));
  const report = JSON.parse((await stored.Body?.transformToString()) ?? '') as RunReport;
  expect(report.deployment?.endpoint).toBe(group);
});

/**
 * An ensemble on SageMaker: its members trained and refit as training jobs,
 * the ensemble built on the worker from their model.tar.gz and uploaded as
 * one under the run's prefix, registered with the XGBoost framework image
 * (which can load every member) and deployed like any model.
 */
test('a sagemaker run registers and deploys an ensemble built on the worker from its members', async () => {
  const group = `churn-sm-ens-${suffix}`;
  const runId = `ferry-sm-ens-${suffix}`;
  // Churn's ROC AUC: a linear model and a forest see it differently, and their blend ranks better.
  const validation = await validatePipeline(
    penguinsOneModel(group, {
      name: 'churn-sm-ens',
      dataset: churnDataset(),
      backend: 'sagemaker',
      sagemaker: {
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::123456789012:role/FerryExecution',
        bucket,
      },
      candidates: {
        count: 4,
        maxParallel: 2,
        ensemble: true,
        algorithms: [
          { name: 'linear', hyperparameters: { C: [0.01, 1] } },
          { name: 'random-forest', hyperparameters: { n_estimators: 20, max_depth: [4, 8] } },
        ],
      },
      evaluation: { method: 'holdout' },
      objective: 'roc_auc',
      endpoint: { name: group, minReplicas: 1, maxReplicas: 1, instanceType: 'ml.m5.large' },
    }),
    { baseDir: process.cwd() },
  );
  if (!validation.ok) throw new Error(JSON.stringify(validation.problems));
  await queueEndpointAnswer(
    JSON.stringify({ classes: ['No', 'Yes'], probabilities: [[0.8, 0.2]] }),
  );
  const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
    taskQueue: harness.taskQueue,
    workflowId: runId,
    config: validation.config,
  });
  const result = await approveWhenWaiting(handle, await person(harness.home, 'alice'), 'ship it');
  expect(result.outcome).toBe('deployed');
  expect(result.leaderboard[0]?.id).toBe('ensemble');
  const winner = result.winner!;
  expect(winner.algorithm).toBe('ensemble');
  expect(winner.modelDir).toBe(
    `s3://${bucket}/ferry/runs/${runId}/ensemble/${runId}-ensemble/model.tar.gz`,
  );
  // Each member was refit as a training job of its own; the ensemble itself is no job.
  const jobs = await clients.sagemaker.send(new ListTrainingJobsCommand({ NameContains: runId }));
  const names = jobs.TrainingJobSummaries?.map((job) => job.TrainingJobName) ?? [];
  expect(names.filter((name) => name?.endsWith('-refit')).sort()).toEqual(
    (winner.members ?? []).map(({ id }) => `${runId}-${id}-refit`).sort(),
  );
  // Scored on test from the uploaded model: the worker downloaded and served it.
  expect(winner.testObjectiveValue).toBeGreaterThan(0.75);

  const packages = await clients.sagemaker.send(
    new ListModelPackagesCommand({ ModelPackageGroupName: group }),
  );
  const described = await clients.sagemaker.send(
    new DescribeModelPackageCommand({
      ModelPackageName: packages.ModelPackageSummaryList?.[0]?.ModelPackageArn,
    }),
  );
  const container = described.InferenceSpecification?.Containers?.[0];
  expect(container?.ModelDataUrl).toBe(winner.modelDir);
  expect(container?.Image).toMatch(/sagemaker-xgboost:/);
  const endpoints = await clients.sagemaker.send(new ListEndpointsCommand({ NameContains: group }));
  expect(endpoints.Endpoints?.map((e) => [e.EndpointName, e.EndpointStatus])).toEqual([
    [group, 'InService'],
  ]);
});
