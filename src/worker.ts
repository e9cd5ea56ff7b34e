import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import {
  composeBackends,
  stopBackendProcesses,
  type AwsClientsFor,
} from './backends/compose-backends';
import { ferryHome } from './shared/project-paths';
import { installWorkerLogging } from './temporal/worker-logging';
import {
  describeTemporalConnection,
  temporalConnectionFromEnv,
} from './temporal/connection-options';
import { DEFAULT_NAMESPACE, ferryTaskQueue } from './temporal/task-queues';

export interface FerryWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** Ferry's state folder (default: FERRY_HOME or ./.ferry). */
  home?: string;
  /** A host this worker starts ends with it (tests); by default endpoints outlive the worker. */
  isHostTiedToWorker?: boolean;
  /** The SageMaker backend's AWS clients (tests attach their emulator's stand-ins); default: from the environment. */
  awsClients?: AwsClientsFor;
}

/** A worker that runs Ferry's workflows and activities on one task queue. */
export async function createFerryWorker(options: FerryWorkerOptions): Promise<Worker> {
  const home = options.home ?? ferryHome();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: options.taskQueue ?? ferryTaskQueue(),
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities({
      ferryHome: home,
      backends: composeBackends({
        home,
        isHostTiedToWorker: options.isHostTiedToWorker,
        awsClients: options.awsClients,
      }),
    }),
    // A cancellation reaches an activity only with a heartbeat's answer; by
    // default heartbeats are throttled to 80% of the heartbeat timeout (16 s
    // here), which would leave a cancelled training running that long.
    maxHeartbeatThrottleInterval: '2s',
  });
}

/**
 * `node -r tsx/cjs src/worker.ts` (the container image's default command): a
 * worker for the cluster in TEMPORAL_ADDRESS, with TLS or an API key as the
 * environment says (src/temporal/connection-options.ts).
 */
async function main(): Promise<void> {
  installWorkerLogging();
  const settings = temporalConnectionFromEnv();
  if (!settings) {
    throw new Error(
      'TEMPORAL_ADDRESS is not set; point it at a Temporal server, or run `ferry dev` to start one with a worker',
    );
  }
  const connection = await NativeConnection.connect(settings.connection);
  const worker = await createFerryWorker({ connection, namespace: settings.namespace });
  console.log(
    `Ferry worker polling task queue '${ferryTaskQueue()}' on ${describeTemporalConnection(settings)}`,
  );
  try {
    await worker.run();
  } finally {
    await stopBackendProcesses();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
