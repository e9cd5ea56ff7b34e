import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelPackagesCommand,
  ListModelsCommand,
  ListTrainingJobsCommand,
} from '@aws-sdk/client-sagemaker';
import { Client, Connection } from '@temporalio/client';
import { createAwsClients } from '../../src/backends/sagemaker/aws-clients';
import { SageMakerRegistry } from '../../src/backends/sagemaker/sagemaker-registry';
import { processesMatching } from '../fixtures/processes';
import { testServerAddress } from '../fixtures/temporal';
import {
  PROJECT_ROOT,
  cleanUpHome,
  makeHome,
  processesOf,
  shortId,
  slowTrainingPipeline,
  startWorkerProcess,
  waitUntil,
  type WorkerProcess,
} from './fault-kit';
import {
  approveThenKillDuringRelease,
  completedAttempts,
  startRun,
  waitForRunningActivity,
} from './run-probe';

const clients = createAwsClients('us-east-1');
/** Longer than the deploy activity's 30 s heartbeat timeout: its retry finds the endpoint still creating. */
const ENDPOINT_CREATING_SECONDS = 45;

/** What moto holds whose name starts with the run's id (jobs, models, configs) or is the group's (endpoints, packages). */
async function sagemakerResources(runId: string, group: string) {
  const { sagemaker } = clients;
  const named = (names: (string | undefined)[], prefix: string) =>
    names.filter((name) => name?.startsWith(prefix));
  const [jobs, models, configs, endpoints, packages] = await Promise.all([
    sagemaker.send(new ListTrainingJobsCommand({ NameContains: runId, MaxResults: 100 })),
    sagemaker.send(new ListModelsCommand({ NameContains: runId, MaxResults: 100 })),
    sagemaker.send(new ListEndpointConfigsCommand({ NameContains: runId, MaxResults: 100 })),
    sagemaker.send(new ListEndpointsCommand({ NameContains: group, MaxResults: 100 })),
    sagemaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: group, MaxResults: 100 })),
  ]);
  return {
    trainingJobs: named(
      (jobs.TrainingJobSummaries ?? []).map((j) => j.TrainingJobName),
      runId,
    ).length,
    models: named(
      (models.Models ?? []).map((m) => m.ModelName),
      runId,
    ).length,
    endpointConfigs: named(
      (configs.EndpointConfigs ?? []).map((c) => c.EndpointConfigName),
      runId,
    ).length,
    endpoints: (endpoints.Endpoints ?? []).filter((e) => e.EndpointName === group).length,
    modelPackages: (packages.ModelPackageSummaryList ?? []).length,
  };
}

/**
 * The SageMaker backend's version of worker-killed.test.ts: one run on moto,
 * its worker process killed (SIGKILL) while the training job runs, while
 * the endpoint is being created, and while the load test runs. On SageMaker
 * the job and the endpoint go on without the worker; the retried activities
 * must follow them by name, never start a second job or endpoint.
 */
describe('a SageMaker-backend worker killed mid-step and restarted', () => {
  test('the training job, the endpoint being created and the load test are followed, not repeated: one of each resource', async () => {
    const home = makeHome('sagemaker');
    const suffix = shortId();
    const group = `sm-killed-${suffix}`;
    const bucket = `ferry-fault-${suffix}`;
    const runId = `ferry-fault-sm-${suffix}`;
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const env = {
      TEMPORAL_ADDRESS: testServerAddress(),
      FERRY_HOME: home,
      FERRY_TASK_QUEUE: `ferry-fault-${shortId()}`,
      FERRY_TEST_ENDPOINT_CREATING_SECONDS: String(ENDPOINT_CREATING_SECONDS),
    };
    const entry = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sagemaker-worker.ts');
    const containers = path.join(home, 'containers');
    const connection = await Connection.connect({ address: testServerAddress() });
    const client = new Client({ connection });
    const config = slowTrainingPipeline(group, {
      backend: 'sagemaker',
      sagemaker: {
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::123456789012:role/FerryExecution',
        bucket,
      },
      endpoint: { name: group, minReplicas: 1, maxReplicas: 2, instanceType: 'ml.m5.large' },
      loadTest: {
        phases: [{ durationSeconds: 6, ratePerSecond: 5 }],
        slo: { latencyP99Ms: 5000, maxErrorRate: 0.05 },
      },
    });
    let worker: WorkerProcess = startWorkerProcess(env, entry);
    const replaceWorker = async () => {
      await worker.crash();
      worker = startWorkerProcess(env, entry);
    };
    try {
      const handle = await startRun(
        client,
        { home, taskQueue: env.FERRY_TASK_QUEUE },
        runId,
        config,
      );

      // 1. Mid-training: the job exists and its container is running.
      const candidate = client.workflow.getHandle(`${runId}-c01`);
      await waitForRunningActivity(candidate, 'trainCandidate', { needsHeartbeat: true });
      await waitUntil(
        'the job’s container is training',
        () => processesMatching(containers).length > 0,
      );
      expect((await sagemakerResources(runId, group)).trainingJobs).toBe(1);
      await worker.crash();
      // On SageMaker the container would live on. Here it lived in the killed
      // worker's stand-in, so it ends too; the next worker's stand-in runs the
      // job's container again when the retried activity describes the job.
      for (const pid of processesMatching(containers)) process.kill(pid, 'SIGKILL');
      worker = startWorkerProcess(env, entry);

      // 2 and 3. Mid-deployment (the endpoint exists and is still Creating) and
      // mid-load-test (InvokeEndpoint calls are flowing).
      const { result, attempts } = await approveThenKillDuringRelease(
        handle,
        home,
        replaceWorker,
        () =>
          waitUntil(
            'the endpoint is created',
            async () => (await sagemakerResources(runId, group)).endpoints === 1,
          ),
      );
      expect(result.outcome).toBe('deployed');
      expect(result.release?.loadTest?.verdict.passed).toBe(true);

      // Each killed step finished on a later attempt than the one killed.
      const trained = await completedAttempts(candidate);
      expect(trained.trainCandidate?.[0]).toBeGreaterThanOrEqual(2);
      expect(attempts.deployEndpoint?.[0]).toBeGreaterThanOrEqual(2);
      expect(attempts.loadTestEndpoint?.[0]).toBeGreaterThanOrEqual(2);

      // No duplicates: the retries followed what the killed attempts started.
      // Two training jobs: the candidate's and the chosen one's refit on train + validation.
      expect(await sagemakerResources(runId, group)).toEqual({
        trainingJobs: 2,
        models: 1,
        endpointConfigs: 1,
        endpoints: 1,
        modelPackages: 1,
      });
      const versions = await new SageMakerRegistry(clients).listVersions(group);
      expect(
        versions.flatMap((v) => v.deployments).filter((d) => d.action === 'deployed'),
      ).toHaveLength(1);
    } finally {
      await worker.stop();
      await connection.close();
      expect(await cleanUpHome(home)).toEqual([]);
      expect(processesOf(home)).toEqual([]);
    }
  }, 420_000);
});
