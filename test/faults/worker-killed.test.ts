import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { isProcessAlive } from '../../src/shared/process-group';
import { testServerAddress } from '../fixtures/temporal';
import {
  cleanUpHome,
  makeHome,
  processesOf,
  resourceCounts,
  shortId,
  slowTrainingPipeline,
  startWorkerProcess,
  trainingCounts,
  waitUntil,
  type WorkerProcess,
} from './fault-kit';
import {
  approveThenKillDuringRelease,
  completedAttempts,
  startRun,
  waitForRunningActivity,
} from './run-probe';

/**
 * One run, one worker process killed (SIGKILL) three times: while its only
 * candidate trains, while the approved version deploys, and while the load
 * test runs; each time a new worker takes over. Killed activities come back
 * only after their heartbeat timeout (20-30 s), so one run carries all three
 * kills instead of three runs paying for training again.
 */
describe('a worker killed mid-step and restarted', () => {
  test('training, deployment and load test each resume: the run deploys, with one training, one version, one endpoint, one deployment', async () => {
    const home = makeHome('worker');
    const group = `killed-${shortId()}`;
    const env = {
      TEMPORAL_ADDRESS: testServerAddress(),
      FERRY_HOME: home,
      FERRY_TASK_QUEUE: `ferry-fault-${shortId()}`,
    };
    const connection = await Connection.connect({ address: testServerAddress() });
    const client = new Client({ connection });
    const config = slowTrainingPipeline(group, {
      // Two replicas make the deployment last long enough to be caught in it.
      endpoint: { minReplicas: 2, maxReplicas: 2 },
      loadTest: {
        phases: [{ durationSeconds: 6, ratePerSecond: 5 }],
        slo: { latencyP99Ms: 5000, maxErrorRate: 0.05 },
      },
    });
    const runId = `ferry-fault-worker-${shortId()}`;
    const candidateDir = path.join(home, 'artifacts', runId, 'candidates', 'c01');
    let worker: WorkerProcess = startWorkerProcess(env);
    const replaceWorker = async () => {
      await worker.crash();
      worker = startWorkerProcess(env);
    };
    try {
      const handle = await startRun(
        client,
        { home, taskQueue: env.FERRY_TASK_QUEUE },
        runId,
        config,
      );

      // 1. Mid-training: the candidate's activity runs in its child workflow.
      const candidate = client.workflow.getHandle(`${runId}-c01`);
      await waitForRunningActivity(candidate, 'trainCandidate', { needsHeartbeat: true });
      expect(trainingCounts(home, runId).c01).toEqual({ attempts: 1, completions: 0 });
      // The training process itself is running (the activity heartbeats before it starts).
      const pidFile = path.join(candidateDir, 'train.pid');
      const orphan = await waitUntil('c01’s training process started', () => {
        const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
        return pid > 0 && isProcessAlive(pid) ? pid : undefined;
      });
      await replaceWorker();
      // The killed worker's training dies with it (its warm runner sees its stdin close),
      // so the retry never races a second process writing the same model.
      await waitUntil('the killed worker’s training ends', () => !isProcessAlive(orphan), 30_000);

      // 2 and 3. Mid-deployment (the host is creating the endpoint) and mid-load-test.
      const { result, attempts } = await approveThenKillDuringRelease(handle, home, replaceWorker);
      expect(result.outcome).toBe('deployed');
      expect(result.release?.loadTest?.verdict.passed).toBe(true);

      // Each killed step finished on a later attempt than the one killed.
      expect(attempts.deployEndpoint).toEqual([expect.any(Number)]);
      expect(attempts.deployEndpoint?.[0]).toBeGreaterThanOrEqual(2);
      expect(attempts.loadTestEndpoint?.[0]).toBeGreaterThanOrEqual(2);
      const trained = await completedAttempts(candidate);
      expect(trained.trainCandidate?.[0]).toBeGreaterThanOrEqual(2);

      // No duplicates: the training ran again but completed once; one of everything else.
      expect(trainingCounts(home, runId)).toEqual({
        c01: { attempts: 2, completions: 1 },
        // The chosen configuration's refit on train + validation, after the crash.
        'c01-refit': { attempts: 1, completions: 1 },
      });
      expect(await resourceCounts(home, group)).toEqual({
        versions: 1,
        endpoints: 1,
        deployments: 1,
      });
      const endpoint = await new LocalHostingClient(home).describe(group);
      expect(endpoint).toMatchObject({ status: 'InService', desiredReplicas: 2 });
      expect(endpoint?.replicas.filter((r) => r.state === 'ready')).toHaveLength(2);
    } finally {
      await worker.stop();
      await connection.close();
      expect(await cleanUpHome(home)).toEqual([]);
      expect(processesOf(home)).toEqual([]);
    }
  }, 420_000);
});
