import { releaseWorkflowIdOf } from '../src/workflows/release-definitions';
import { backendTargetOf } from '../src/workflows/backend-target-of';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  waitUntilEndpointInService,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common';
import { createAwsClients } from '../src/backends/sagemaker/aws-clients';
import { validatePipeline } from '../src/config/validate-pipeline';
import { approveWhenWaiting } from '../src/temporal/run-control';
import { installWorkerLogging } from '../src/temporal/worker-logging';
import { motoEnvironment, startMotoServer } from '../test/fixtures/moto-server';
import { penguinsOneModel, TEST_DATA_ROOTS } from '../test/fixtures/pipelines';
import { holdEndpointsCreating } from '../test/fixtures/sagemaker-middleware';
import { attachTrainingContainerStandIn } from '../test/fixtures/training-container-stand-in';
import { countByOperation, logAwsCalls, type AwsCall } from '../test/fixtures/aws-call-log';
import { benchPerson } from './bench-people';
import { benchWorker, machine, progress, round, startBenchRun } from './bench-server';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/FerryExecution';
const INSTANCE_TYPE = 'ml.m5.large';

/**
 * sagemaker: one run of the one-model penguins pipeline with `backend:
 * sagemaker`, against a moto server of its own (loopback, fake
 * credentials), with the training container stand-in, and endpoints held
 * Creating for `creatingSeconds` (default 60) as real ones take minutes to
 * start. It counts the AWS calls Ferry makes, by operation, and how long
 * after the endpoint is InService the deployment step notices. Side by
 * side, in the same run: the AWS SDK's own waiter (waitUntilEndpointInService)
 * on a second endpoint held the same way.
 *   npm run bench -- sagemaker [creatingSeconds]
 */
export async function sagemaker(args: string[]): Promise<unknown> {
  const creatingSeconds = Number(args[0] ?? 60);
  if (!Number.isFinite(creatingSeconds) || creatingSeconds < 0 || creatingSeconds > 180) {
    throw new Error(`creatingSeconds is '${args[0]}'; give seconds from 0 to 180`);
  }
  installWorkerLogging();
  const moto = await startMotoServer(path.join(os.tmpdir(), `ferry-bench-moto-${process.pid}.log`));
  Object.assign(process.env, motoEnvironment(moto.url));
  const suffix = randomBytes(3).toString('hex');
  const group = `bench-sm-${suffix}`;
  const bucket = `ferry-bench-${suffix}`;

  const clients = createAwsClients('us-east-1');
  const calls = logAwsCalls(clients);
  // The stand-in's own S3 traffic (the container's) is SageMaker's, not Ferry's: not counted.
  const standIn = attachTrainingContainerStandIn(
    clients.sagemaker,
    createAwsClients('us-east-1').s3,
  );
  holdEndpointsCreating(clients.sagemaker, creatingSeconds);
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const validation = await validatePipeline(
    penguinsOneModel(group, {
      name: 'bench-sagemaker',
      backend: 'sagemaker',
      sagemaker: { region: 'us-east-1', roleArn: ROLE_ARN, bucket },
      endpoint: { name: group, minReplicas: 1, maxReplicas: 2, instanceType: INSTANCE_TYPE },
      loadTest: {
        phases: [{ durationSeconds: 5, ratePerSecond: 5 }],
        slo: { latencyP99Ms: 2000 },
      },
    }),
    // The bench reads the shared penguins data, outside this folder.
    { baseDir: process.cwd(), dataRoots: { folders: TEST_DATA_ROOTS, origin: 'FERRY_DATA_ROOTS' } },
  );
  if (!validation.ok) throw new Error(JSON.stringify(validation.problems));

  const worker = await benchWorker('sagemaker', undefined, () => clients);
  try {
    progress(`sagemaker: one run on moto, endpoints creating for ${creatingSeconds} s...`);
    const reference = sdkWaiter(`${group}-sdk`, creatingSeconds);
    const started = Date.now();
    const handle = await startBenchRun(worker, `ferry-bench-sm-${suffix}`, validation.config);
    const result = await approveWhenWaiting(
      handle,
      await benchPerson(worker.home, 'alice'),
      'benchmark',
    );
    const wallMs = Date.now() - started;
    const windows = {
      ...(await activityWindows(worker.client.workflow.getHandle(`${handle.workflowId}-c01`))),
      ...(await activityWindows(handle)),
      // Deploy and load test run in the release workflow that held the endpoint.
      ...(await activityWindows(
        worker.client.workflow.getHandle(
          releaseWorkflowIdOf(
            backendTargetOf(validation.config),
            validation.config.endpoint.name ?? validation.config.modelGroup,
          ),
        ),
      )),
    };
    const training = windows.trainCandidate;
    const deploy = windows.deployEndpoint;
    if (!training || !deploy) throw new Error(`the run ended ${result.outcome}, without deploying`);
    const inServiceAtMs = (await creationTimeMs(clients.sagemaker, group)) + creatingSeconds * 1000;
    const waited = await reference;
    const ferryDescribes = countWithin(calls, deploy, 'DescribeEndpoint');
    return {
      benchmark: 'sagemaker',
      machine: machine(),
      inputs: {
        pipeline: 'penguins, one logistic regression, backend sagemaker',
        emulator: 'moto server, training container stand-in (test/fixtures)',
        endpointCreatingSeconds: creatingSeconds,
        reference: 'waitUntilEndpointInService (AWS SDK v3) on a second endpoint held the same way',
      },
      outcome: result.outcome,
      figures: {
        wallSeconds: seconds(wallMs),
        awsCalls: { total: calls.length, byOperation: countByOperation(calls) },
        training: {
          seconds: seconds(training.endMs - training.startMs),
          calls: countByOperation(within(calls, training)),
        },
        deploy: {
          seconds: seconds(deploy.endMs - deploy.startMs),
          calls: countByOperation(within(calls, deploy)),
          describeEndpointCalls: ferryDescribes,
          secondsFromInServiceToDeployed: seconds(deploy.endMs - inServiceAtMs),
        },
        sdkWaiter: waited,
        describeEndpointRatio: round(ferryDescribes / Math.max(1, waited.describeEndpointCalls)),
      },
    };
  } finally {
    await worker.stop();
    await standIn.close();
    await moto.stop();
  }
}

/** An endpoint created directly, then waited for by the SDK's waiter: its DescribeEndpoint calls and its delay. */
async function sdkWaiter(name: string, creatingSeconds: number) {
  const { sagemaker: client } = createAwsClients('us-east-1');
  const calls = logAwsCalls({ sagemaker: client });
  holdEndpointsCreating(client, creatingSeconds);
  await client.send(
    new CreateModelCommand({
      ModelName: name,
      ExecutionRoleArn: ROLE_ARN,
      PrimaryContainer: { Image: 'reference', ModelDataUrl: 's3://reference/model.tar.gz' },
    }),
  );
  await client.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: name,
          InitialInstanceCount: 1,
          InstanceType: INSTANCE_TYPE,
        },
      ],
    }),
  );
  await client.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
  const first = calls.length;
  await waitUntilEndpointInService(
    { client, maxWaitTime: creatingSeconds + 600 },
    { EndpointName: name },
  );
  const doneMs = Date.now();
  const inServiceAtMs = (await creationTimeMs(client, name)) + creatingSeconds * 1000;
  return {
    describeEndpointCalls: calls
      .slice(first)
      .filter((c) => c.operation === 'DescribeEndpoint' && c.atMs <= doneMs).length,
    secondsFromInServiceToDone: seconds(doneMs - inServiceAtMs),
  };
}

async function creationTimeMs(client: SageMakerClient, name: string): Promise<number> {
  const described = await client.send(new DescribeEndpointCommand({ EndpointName: name }));
  const created = described.CreationTime;
  if (!created) throw new Error(`endpoint ${name} has no CreationTime`);
  return created.getTime();
}

interface Window {
  startMs: number;
  endMs: number;
}

/** When each completed activity of a run started and ended (its last attempt), by type. */
async function activityWindows(handle: WorkflowHandle): Promise<Record<string, Window>> {
  const events = (await handle.fetchHistory()).events ?? [];
  const typeOf = new Map<string, string>();
  const startedAt = new Map<string, number>();
  const windows: Record<string, Window> = {};
  for (const event of events) {
    const id = String(event.eventId);
    const at = tsToMs(event.eventTime) ?? 0;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(id, scheduled.activityType?.name ?? '?');
    const started = event.activityTaskStartedEventAttributes;
    if (started) startedAt.set(String(started.scheduledEventId), at);
    const completed = event.activityTaskCompletedEventAttributes;
    const startMs = completed && startedAt.get(String(completed.scheduledEventId));
    if (completed && typeof startMs === 'number') {
      windows[typeOf.get(String(completed.scheduledEventId)) ?? '?'] = { startMs, endMs: at };
    }
  }
  return windows;
}

function within(calls: AwsCall[], window: Window): AwsCall[] {
  return calls.filter((c) => c.atMs >= window.startMs && c.atMs <= window.endMs);
}

function countWithin(calls: AwsCall[], window: Window, operation: string): number {
  return within(calls, window).filter((c) => c.operation === operation).length;
}

function seconds(ms: number): number {
  return round(ms / 1000);
}
