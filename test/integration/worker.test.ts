import { NativeConnection } from '@temporalio/worker';
import { createFerryWorker } from '../../src/worker';
import { installWorkerLogging } from '../../src/temporal/worker-logging';
import { connectToTestServer, testServerAddress } from '../fixtures/temporal';

describe('the Ferry worker', () => {
  test('polls its task queue on the shared dev server and shuts down cleanly', async () => {
    installWorkerLogging({ FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? 'ERROR' });
    const connection = await NativeConnection.connect({ address: testServerAddress() });
    const taskQueue = `ferry-worker-test-${Date.now()}`;
    const worker = await createFerryWorker({ connection, taskQueue });
    const running = worker.runUntil(async () => {
      const client = await connectToTestServer();
      try {
        // The server knows a poller only once the worker is really polling.
        for (let i = 0; i < 50; i++) {
          const { pollers } = await client.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: taskQueue },
            taskQueueType: 1,
          });
          if (pollers.length > 0) return pollers.length;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        return 0;
      } finally {
        await client.close();
      }
    });
    await expect(running).resolves.toBeGreaterThan(0);
    expect(worker.getState()).toBe('STOPPED');
    await connection.close();
  });
});
