import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type FerryActivities } from './activities';
import {
  composeBackends,
  stopBackendProcesses,
  type AwsClientsFor,
} from './backends/compose-backends';
import { workerVerifier } from './identity/machine-keys';
import type { CredentialVerifier } from './identity/verify-credential';
import { ferryHome } from './shared/project-paths';
import { UserError } from './shared/user-error';
import { installWorkerLogging } from './temporal/worker-logging';
import {
  describeTemporalConnection,
  temporalConnectionFromEnv,
} from './temporal/connection-options';
import {
  DEFAULT_NAMESPACE,
  TRAINING_ACTIVITIES,
  ferryTaskQueue,
  ferryTrainingTaskQueue,
} from './temporal/task-queues';
import { maxConcurrentTrainings, type WorkerRole } from './temporal/worker-role';

export interface FerryWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  /** The control queue (default: FERRY_TASK_QUEUE, else `ferry`). */
  taskQueue?: string;
  /** The training queue (default: FERRY_TRAINING_TASK_QUEUE, else `<taskQueue>-training`). */
  trainingTaskQueue?: string;
  /** Which queues to poll (default: both). */
  role?: WorkerRole;
  /** Training-queue activities at once (default: FERRY_MAX_CONCURRENT_TRAININGS, else one per core). */
  maxConcurrentTrainings?: number;
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

/** The Temporal workers of one Ferry worker process: one per task queue its role polls. */
export interface FerryWorkers {
  /** The queues polled, control first: what the worker prints. */
  taskQueues: string[];
  /** Runs every worker until all have stopped; one failing stops the others. */
  run(): Promise<void>;
  /** Asks every running worker to drain and stop. */
  shutdown(): void;
}

/**
 * A Ferry worker for its role: the control queue runs the workflows and the
 * control activities, the training queue the training activities (at most
 * `maxConcurrentTrainings` at once). Role `all` polls both from one process
 * and one set of backends.
 */
export async function createFerryWorkers(options: FerryWorkerOptions): Promise<FerryWorkers> {
  const home = options.home ?? ferryHome();
  const role = options.role ?? 'all';
  const controlQueue = options.taskQueue ?? ferryTaskQueue();
  const trainingQueue =
    options.trainingTaskQueue ?? ferryTrainingTaskQueue(process.env, controlQueue);
  const activities = createActivities({
    ferryHome: home,
    verifier: once(() => workerVerifier(home, options.identityEnv ?? process.env)),
    backends: composeBackends({
      home,
      isHostTiedToWorker: options.isHostTiedToWorker,
      awsClients: options.awsClients,
    }),
  });
  const { training, control } = splitActivities(activities);
  const common = {
    connection: options.connection,
    namespace: options.namespace ?? DEFAULT_NAMESPACE,
    // A cancellation reaches an activity only with a heartbeat's answer; by
    // default heartbeats are throttled to 80% of the heartbeat timeout (16 s
    // here), which would leave a cancelled training running that long.
    maxHeartbeatThrottleInterval: '2s',
  } as const;
  const workers: Worker[] = [];
  const taskQueues: string[] = [];
  if (role !== 'training') {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: controlQueue,
        workflowsPath: require.resolve('./workflows'),
        activities: control,
      }),
    );
    taskQueues.push(controlQueue);
  }
  if (role !== 'control') {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: trainingQueue,
        activities: training,
        // Each training takes its share of the cores; more would only slow all of them.
        maxConcurrentActivityTaskExecutions:
          options.maxConcurrentTrainings ??
          maxConcurrentTrainings(process.env.FERRY_MAX_CONCURRENT_TRAININGS),
      }),
    );
    taskQueues.push(trainingQueue);
  }
  const shutdown = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    taskQueues,
    shutdown,
    async run() {
      const runs = workers.map((worker) => worker.run());
      try {
        await Promise.all(runs);
      } catch (error) {
        shutdown();
        await Promise.allSettled(runs);
        throw error;
      }
    },
  };
}

/** The activities of each queue: TRAINING_ACTIVITIES on the training queue, the rest on the control queue. */
function splitActivities(activities: FerryActivities): {
  training: Partial<FerryActivities>;
  control: Partial<FerryActivities>;
} {
  const trainingNames = new Set<string>(TRAINING_ACTIVITIES);
  const entries = Object.entries(activities);
  return {
    training: Object.fromEntries(entries.filter(([name]) => trainingNames.has(name))),
    control: Object.fromEntries(entries.filter(([name]) => !trainingNames.has(name))),
  };
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
 * `ferry worker` (and `node -r tsx/cjs src/worker.ts`, role all): workers for
 * the cluster in TEMPORAL_ADDRESS, with TLS or an API key as the environment
 * says (src/temporal/connection-options.ts), until SIGINT or SIGTERM.
 */
export async function runWorkerProcess(
  options: Pick<FerryWorkerOptions, 'role' | 'maxConcurrentTrainings'> = {},
): Promise<void> {
  installWorkerLogging();
  const settings = temporalConnectionFromEnv();
  if (!settings) {
    throw new UserError(
      'TEMPORAL_ADDRESS is not set; point it at a Temporal server, or run `ferry dev` to start one with a worker',
    );
  }
  const connection = await NativeConnection.connect(settings.connection);
  // Loaded now, not at the first decision: a bad FERRY_TRUSTED_ISSUERS stops
  // the worker at once. A training worker verifies no credential.
  const trusting =
    options.role === 'training'
      ? ''
      : `; trusting credentials from ${(await workerVerifier(ferryHome())).trust.names.join(', ')}`;
  const workers = await createFerryWorkers({
    connection,
    namespace: settings.namespace,
    ...options,
  });
  console.log(
    `Ferry worker (${options.role ?? 'all'}) polling task queue(s) ${workers.taskQueues.map((q) => `'${q}'`).join(', ')} on ${describeTemporalConnection(settings)}${trusting}`,
  );
  try {
    // The SDK's runtime shuts every worker down on SIGINT and SIGTERM.
    await workers.run();
  } finally {
    await stopBackendProcesses();
    await connection.close();
  }
}

if (require.main === module) {
  runWorkerProcess().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
