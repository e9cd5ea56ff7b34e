import { NativeConnection } from '@temporalio/worker';
import { createFerryWorkers } from '../../src/worker';
import { installWorkerLogging } from '../../src/temporal/worker-logging';
import { connectToTestServer, testServerAddress } from '../fixtures/temporal';

const WORKFLOW = 1;
const ACTIVITY = 2;

/** How many pollers the server sees on a queue, once the worker is really polling (up to 10 s). */
async function pollersOf(taskQueue: string, taskQueueType: number): Promise<number> {
  const client = await connectToTestServer();
  try {
    for (let i = 0; i < 50; i++) {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType,
      });
      if (pollers.length > 0) return pollers.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return 0;
  } finally {
    await client.close();
  }
}

describe('the Ferry worker', () => {
  test('role all polls the control queue for workflows and the training queue for activities, and shuts down cleanly', async () => {
    installWorkerLogging({ FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? 'ERROR' });
    const connection = await NativeConnection.connect({ address: testServerAddress() });
    const taskQueue = `ferry-worker-test-${Date.now()}`;
    const workers = await createFerryWorkers({ connection, taskQueue, role: 'all' });
    expect(workers.taskQueues).toEqual([taskQueue, `${taskQueue}-training`]);
    const running = workers.run();
    try {
      expect(await pollersOf(taskQueue, WORKFLOW)).toBeGreaterThan(0);
      expect(await pollersOf(`${taskQueue}-training`, ACTIVITY)).toBeGreaterThan(0);
    } finally {
      workers.shutdown();
      await running;
      await connection.close();
    }
  });

  test('role training polls only the training queue, and polls no workflows', async () => {
    const connection = await NativeConnection.connect({ address: testServerAddress() });
    const taskQueue = `ferry-worker-test-t-${Date.now()}`;
    const workers = await createFerryWorkers({
      connection,
      taskQueue,
      role: 'training',
      maxConcurrentTrainings: 3,
    });
    expect(workers.taskQueues).toEqual([`${taskQueue}-training`]);
    const running = workers.run();
    try {
      expect(await pollersOf(`${taskQueue}-training`, ACTIVITY)).toBeGreaterThan(0);
      const client = await connectToTestServer();
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: `${taskQueue}-training` },
        taskQueueType: WORKFLOW,
      });
      await client.close();
      expect(pollers).toHaveLength(0);
    } finally {
      workers.shutdown();
      await running;
      await connection.close();
    }
  });
});
