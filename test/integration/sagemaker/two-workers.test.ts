import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import type { WorkflowHandle } from '@temporalio/client';
import { createAwsClients } from '../../../src/backends/sagemaker/aws-clients';
import { validatePipeline } from '../../../src/config/validate-pipeline';
import { startLocalWorker, type LocalWorker } from '../../../src/temporal/local-worker';
import { installWorkerLogging } from '../../../src/temporal/worker-logging';
import { approveWhenWaiting } from '../../../src/temporal/run-control';
import { PROJECT_ROOT, startWorkerProcess, type WorkerProcess } from '../../faults/fault-kit';
import { person, startRunAs } from '../../fixtures/people';
import { onSageMaker, penguinsOneModel } from '../../fixtures/pipelines';
import { releaseWorkflowIdOf } from '../../../src/workflows/release-definitions';
import { backendTargetOf } from '../../../src/workflows/backend-target-of';
import { testServerAddress } from '../../fixtures/temporal';

const clients = createAwsClients('us-east-1');

/** Which task queue each activity type of a workflow was scheduled on, from its history. */
async function queuesOfActivities(handle: WorkflowHandle): Promise<Record<string, string[]>> {
  const queues: Record<string, string[]> = {};
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (!scheduled) continue;
    const list = (queues[scheduled.activityType?.name ?? '?'] ??= []);
    const queue = scheduled.taskQueue?.name ?? '?';
    if (!list.includes(queue)) list.push(queue);
  }
  return queues;
}

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/**
 * Two workers that share nothing but Temporal and moto: a control worker in
 * this process and a training worker in a child process, each with its own
 * FERRY_HOME. The run completes only if no activity hands the next one a
 * path on its own disk: the splits, the ranking predictions and the report
 * travel through S3.
 */
describe('a SageMaker-backend run on two workers', () => {
  const suffix = randomBytes(3).toString('hex');
  const bucket = `ferry-two-${suffix}`;
  const taskQueue = `ferry-two-${suffix}`;
  const controlHome = mkdtempSync(path.join(os.tmpdir(), 'ferry-control-'));
  const trainingHome = mkdtempSync(path.join(os.tmpdir(), 'ferry-training-'));
  let control: LocalWorker | undefined;
  let training: WorkerProcess | undefined;

  afterAll(async () => {
    await training?.stop();
    await control?.stop();
    rmSync(controlHome, { recursive: true, force: true });
    rmSync(trainingHome, { recursive: true, force: true });
  });

  test('a control worker and a training worker with different homes complete a run', async () => {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // The training worker runs moto's stand-in for the training container (test/fixtures/sagemaker-worker.ts).
    training = startWorkerProcess(
      {
        TEMPORAL_ADDRESS: testServerAddress(),
        FERRY_HOME: trainingHome,
        FERRY_TASK_QUEUE: taskQueue,
        FERRY_WORKER_ROLE: 'training',
      },
      path.join(PROJECT_ROOT, 'test', 'fixtures', 'sagemaker-worker.ts'),
    );
    installWorkerLogging({ FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? 'ERROR' });
    control = await startLocalWorker({
      address: testServerAddress(),
      taskQueue,
      home: controlHome,
      role: 'control',
      isHostTiedToWorker: true,
      identityEnv: {},
    });

    const group = `penguins-two-${suffix}`;
    const validation = await validatePipeline(
      penguinsOneModel(group, {
        name: 'penguins-two',
        ...onSageMaker(group, bucket),
        loadTest: {
          phases: [{ durationSeconds: 2, ratePerSecond: 5 }],
          slo: { latencyP99Ms: 5000, maxErrorRate: 0.05 },
        },
      }),
      { baseDir: process.cwd() },
    );
    if (!validation.ok) throw new Error(JSON.stringify(validation.problems));
    const runId = `ferry-two-${suffix}`;
    const handle = await startRunAs(control.client, await person(controlHome, 'carol'), {
      taskQueue,
      workflowId: runId,
      config: validation.config,
    });
    const result = await approveWhenWaiting(handle, await person(controlHome, 'alice'), 'ship');
    expect(result.outcome).toBe('deployed');
    expect(result.leaderboard[0]?.metrics.accuracy).toBeGreaterThan(0.9);

    // Training and scoring went to the training queue; the rest stayed on the control queue.
    // Deploy and load test ran in the run's release workflow, which held the endpoint.
    const release = control.client.workflow.getHandle(
      releaseWorkflowIdOf(backendTargetOf(validation.config), group),
    );
    const queues = {
      ...(await queuesOfActivities(handle)),
      ...(await queuesOfActivities(release)),
    };
    const candidate = await queuesOfActivities(control.client.workflow.getHandle(`${runId}-c01`));
    const trainingQueue = `${taskQueue}-training`;
    expect(candidate).toEqual({
      trainCandidate: [trainingQueue],
      evaluateCandidate: [trainingQueue],
    });
    expect(queues.trainCandidate).toEqual([trainingQueue]); // the refit
    expect(queues.evaluateCandidate).toEqual([trainingQueue]); // the test score
    for (const name of [
      'prepareData',
      'registerModel',
      'deployEndpoint',
      'loadTestEndpoint',
      'writeReport',
    ])
      expect([name, queues[name]]).toEqual([name, [taskQueue]]);

    // Each home holds only its own side's files: the control worker trained
    // nothing; the training worker read the splits from its own cache of S3.
    const controlFiles = filesUnder(controlHome);
    const trainingFiles = filesUnder(trainingHome);
    expect(controlFiles.filter((file) => file.includes('candidates'))).toEqual([]);
    expect(trainingFiles).toEqual(
      expect.arrayContaining([
        path.join('cache', bucket, 'ferry', 'runs', runId, 'data', 'validation', 'validation.csv'),
        path.join('cache', bucket, 'ferry', 'runs', runId, 'data', 'test', 'test.csv'),
      ]),
    );
    expect(trainingFiles.filter((file) => file.startsWith(`runs${path.sep}`))).toEqual([]);

    // The report is in S3, where any worker or person can read it.
    expect(result.report.json).toBe(`s3://${bucket}/ferry/runs/${runId}/report/report.json`);
    const report = await clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `ferry/runs/${runId}/report/report.json` }),
    );
    const text = (await report.Body?.transformToString()) ?? '';
    expect(JSON.parse(text)).toMatchObject({ deployment: { endpoint: group } });
  }, 120_000);
});
