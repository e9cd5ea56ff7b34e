import { NativeConnection, Worker } from '@temporalio/worker';
import { DEFAULT_NAMESPACE, FERRY_TASK_QUEUE } from './temporal/task-queues';

export interface FerryWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
}

/** A worker that runs Ferry's workflows and activities on one task queue. */
export async function createFerryWorker(options: FerryWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: options.taskQueue ?? FERRY_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities: {},
  });
}

/** `node -r tsx/cjs src/worker.ts`: a worker for the server at TEMPORAL_ADDRESS. */
async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error(
      'TEMPORAL_ADDRESS is not set; point it at a Temporal server, or run `ferry dev` to start one with a worker',
    );
  }
  const connection = await NativeConnection.connect({ address });
  const worker = await createFerryWorker({ connection, namespace: process.env.TEMPORAL_NAMESPACE });
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
