import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import {
  composeBackends,
  stopBackendProcesses,
  type AwsClientsFor,
} from './backends/compose-backends';
import { workerVerifier } from './identity/machine-keys';
import type { CredentialVerifier } from './identity/verify-credential';
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
  /**
   * Where the worker's keys and trusted issuers are named (FERRY_SEALING_KEY,
   * FERRY_TRUSTED_ISSUERS, ...); default: the process environment. Tests and
   * benchmarks pass `{}`, so a developer's own settings cannot change whom
   * their workers believe.
   */
  identityEnv?: NodeJS.ProcessEnv;
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
      verifier: once(() => workerVerifier(home, options.identityEnv ?? process.env)),
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

/** Loads the verifier on first use, once; a failed load is tried again next time. */
function once(load: () => Promise<CredentialVerifier>): () => Promise<CredentialVerifier> {
  let loading: Promise<CredentialVerifier> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
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
  // Loaded now, not at the first decision: a bad FERRY_TRUSTED_ISSUERS stops the worker at once.
  const { trust } = await workerVerifier(ferryHome());
  const worker = await createFerryWorker({ connection, namespace: settings.namespace });
  console.log(
    `Ferry worker polling task queue '${ferryTaskQueue()}' on ${describeTemporalConnection(settings)}; trusting credentials from ${trust.names.join(', ')}`,
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
