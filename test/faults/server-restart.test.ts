import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { approveWhenWaiting } from '../../src/temporal/run-control';
import type { PipelineResult } from '../../src/workflows/definitions';
import { person } from '../fixtures/people';
import { processesMatching } from '../fixtures/processes';
import {
  cleanUpHome,
  makeHome,
  resourceCounts,
  shortId,
  slowTrainingPipeline,
  startWorkerProcess,
  trainingCounts,
  waitUntil,
} from './fault-kit';
import { completedAttempts, startRun, waitForRunningActivity } from './run-probe';

/**
 * The Temporal server itself goes down mid-run and comes back. This test
 * needs a dev server of its own (stopping the shared one would break every
 * other test file), restarted on the same database file and the same port,
 * so the worker and the client reconnect to the address they already have.
 */
describe('the Temporal dev server stopped and restarted mid-run', () => {
  test('the run picks up where it was and deploys, training its candidate once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-fault-server-'));
    const dbFile = path.join(dir, 'temporal.db');
    const logFile = path.join(dir, 'temporal-server.log');
    let server: DevServer | undefined = await startDevServer({
      dbFile,
      logFile,
      isUiEnabled: false,
    });
    const port = Number(server.address.split(':').at(-1));
    const home = makeHome('server');
    const group = `restart-${shortId()}`;
    const env = {
      TEMPORAL_ADDRESS: server.address,
      FERRY_HOME: home,
      FERRY_TASK_QUEUE: `ferry-fault-${shortId()}`,
    };
    const worker = startWorkerProcess(env);
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const config = slowTrainingPipeline(group, {
      loadTest: {
        phases: [{ durationSeconds: 2, ratePerSecond: 5 }],
        slo: { latencyP99Ms: 5000, maxErrorRate: 0.05 },
      },
    });
    const runId = `ferry-fault-server-${shortId()}`;
    try {
      const handle = await startRun(
        client,
        { home, taskQueue: env.FERRY_TASK_QUEUE },
        runId,
        config,
      );
      const candidate = client.workflow.getHandle(`${runId}-c01`);
      await waitForRunningActivity(candidate, 'trainCandidate', { needsHeartbeat: true });

      await server.stop();
      expect(processesMatching(dbFile)).toEqual([]);
      server = undefined;
      // Down for a few seconds: the training goes on meanwhile and its heartbeats go nowhere.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      server = await startDevServer({ dbFile, logFile, port, isUiEnabled: false });
      expect(server.address).toBe(env.TEMPORAL_ADDRESS);

      // The run is still there, and the same worker and client carry on with it.
      const result: PipelineResult = await waitUntil(
        'the run answers again',
        async () => (await handle.describe()).status.name === 'RUNNING' && handle,
        60_000,
        500,
      ).then(async (running) =>
        approveWhenWaiting(running, await person(home, 'alice'), 'after the restart'),
      );
      expect(result.outcome).toBe('deployed');
      expect(trainingCounts(home, runId).c01?.completions).toBe(1);
      expect(await resourceCounts(home, group)).toEqual({
        versions: 1,
        endpoints: 1,
        deployments: 1,
      });
      expect((await completedAttempts(handle)).deployEndpoint).toHaveLength(1);
      expect(worker.child.exitCode).toBeNull();
    } finally {
      await worker.stop();
      await connection.close();
      await server?.stop();
      expect(processesMatching(dbFile)).toEqual([]);
      expect(await cleanUpHome(home)).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
