import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { stopBackendProcesses } from '../backends/compose-backends';
import { defaultTrainingTaskQueue } from './task-queues';
import { createFerryWorkers, type FerryWorkerOptions } from '../worker';

export interface LocalWorker {
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * A Ferry worker inside this process plus a client, against the server at
 * `address`: for the benchmarks, the history recorder and the tests.
 * stop() drains the worker and ends its warm Python runner.
 */
export async function startLocalWorker(options: {
  address: string;
  taskQueue: string;
  home: string;
  /** The endpoint host started for this worker stops with this process (tests, benchmarks). */
  isHostTiedToWorker?: boolean;
  awsClients?: FerryWorkerOptions['awsClients'];
  identityEnv?: FerryWorkerOptions['identityEnv'];
  /** Default: both queues (the training queue is `<taskQueue>-training`). */
  role?: FerryWorkerOptions['role'];
  maxConcurrentTrainings?: number;
}): Promise<LocalWorker> {
  const native = await NativeConnection.connect({ address: options.address });
  const worker = await createFerryWorkers({
    connection: native,
    taskQueue: options.taskQueue,
    // Named, not read from FERRY_TRAINING_TASK_QUEUE: a run started here derives this one.
    trainingTaskQueue: defaultTrainingTaskQueue(options.taskQueue),
    role: options.role,
    maxConcurrentTrainings: options.maxConcurrentTrainings,
    home: options.home,
    isHostTiedToWorker: options.isHostTiedToWorker,
    awsClients: options.awsClients,
    identityEnv: options.identityEnv,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: options.address });
  return {
    client: new Client({ connection }),
    taskQueue: options.taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await stopBackendProcesses();
      await native.close();
      await connection.close();
    },
  };
}
