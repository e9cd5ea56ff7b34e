import { randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  ListEndpointsCommand,
  ListModelPackagesCommand,
} from '@aws-sdk/client-sagemaker';
import { WorkflowFailedError } from '@temporalio/client';
import { createAwsClients } from '../../../src/backends/sagemaker/aws-clients';
import { validatePipeline } from '../../../src/config/validate-pipeline';
import { sendDecision, waitForStage } from '../../../src/temporal/run-control';
import { startWorkerHarness, type WorkerHarness } from '../../fixtures/ferry-worker';
import { person, startRunAs } from '../../fixtures/people';
import { onSageMaker, penguinsOneModel } from '../../fixtures/pipelines';
import { holdEndpointsCreating } from '../../fixtures/sagemaker-middleware';
import {
  attachTrainingContainerStandIn,
  type TrainingContainerStandIn,
} from '../../fixtures/training-container-stand-in';

const suffix = randomBytes(3).toString('hex');
const bucket = `ferry-cancel-${suffix}`;
const clients = createAwsClients('us-east-1');
let standIn: TrainingContainerStandIn;
let harness: WorkerHarness;
/** moto's endpoints are InService at once; a real one is Creating for minutes. */
const ENDPOINT_CREATING_SECONDS = 10;

beforeAll(async () => {
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  standIn = attachTrainingContainerStandIn(clients.sagemaker, clients.s3);
  holdEndpointsCreating(clients.sagemaker, ENDPOINT_CREATING_SECONDS);
  harness = await startWorkerHarness({ awsClients: () => clients });
});
afterAll(async () => {
  await harness?.stop();
  await standIn?.close();
});

async function endpointStatus(name: string): Promise<string | undefined> {
  try {
    const endpoint = await clients.sagemaker.send(
      new DescribeEndpointCommand({ EndpointName: name }),
    );
    return endpoint.EndpointStatus;
  } catch {
    return undefined;
  }
}

test('a run cancelled while its SageMaker endpoint is Creating ends with no endpoint and its version Rejected', async () => {
  const group = `cancel-sm-${suffix}`;
  const validation = await validatePipeline(
    penguinsOneModel(group, {
      name: 'cancel-sm',
      ...onSageMaker(group, bucket),
    }),
    { baseDir: process.cwd() },
  );
  if (!validation.ok) throw new Error(JSON.stringify(validation.problems));
  const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-sm-cancel-${suffix}`,
    config: validation.config,
  });
  await waitForStage(handle, ['awaiting-approval']);
  const decision = await sendDecision(handle, 'approve', await person(harness.home, 'alice'));
  expect(decision.isAccepted).toBe(true);
  await waitForStage(handle, ['deploying']);
  const deadline = Date.now() + 30_000;
  while ((await endpointStatus(group)) !== 'Creating' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(await endpointStatus(group)).toBe('Creating');

  await handle.cancel();
  const failure = await handle.result().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect((await handle.describe()).status.name).toBe('CANCELLED');

  // The rollback waited out Creating, then removed the first deployment.
  const endpoints = await clients.sagemaker.send(new ListEndpointsCommand({ NameContains: group }));
  expect(endpoints.Endpoints ?? []).toEqual([]);
  const packages = await clients.sagemaker.send(
    new ListModelPackagesCommand({ ModelPackageGroupName: group }),
  );
  const described = await clients.sagemaker.send(
    new DescribeModelPackageCommand({
      ModelPackageName: packages.ModelPackageSummaryList?.[0]?.ModelPackageArn,
    }),
  );
  expect(described.ModelApprovalStatus).toBe('Rejected');
}, 180_000);
