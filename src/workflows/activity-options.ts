import {
  ActivityCancellationType,
  proxyActivities,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { FerryActivities } from '../activities';
import type { PipelineConfig } from '../config/pipeline-schema';
import { parseDurationMs } from '../config/duration';
import { FAILURE, type FailureType } from '../shared/failure-types';
import type { ReleaseInput } from './release-definitions';
import { TRAINING_ACTIVITIES, type TrainingActivityName } from '../temporal/task-queues';

/**
 * How every Ferry activity is called, in one place: its timeouts, heartbeat
 * and retry policy. The non-retryable types come from the failure catalogue
 * that the activities throw from, so a policy cannot name a type nobody
 * throws. Two activities' limits follow the pipeline file (a training's
 * timeout, the load test's length), so they are built from it. The
 * training activities (TRAINING_ACTIVITIES) go to the run's training task
 * queue, everything else to the workflow's own (the control queue).
 */
type ActivityName = keyof FerryActivities;

function retry(
  attempts: number,
  initialInterval: Duration,
  nonRetryable: FailureType[],
): RetryPolicy {
  return {
    maximumAttempts: attempts,
    initialInterval,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: nonRetryable,
  };
}

/** Evaluating a model (a candidate, or the champion) on a split: one batch prediction, heartbeating. */
const EVALUATION: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '20s',
  retry: retry(3, '2s', [FAILURE.evaluation, FAILURE.metricInput]),
};

const REGISTRY: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: retry(5, '1s', [FAILURE.registry]),
};

const HOSTING_RETRY = retry(5, '1s', [
  FAILURE.hosting,
  FAILURE.deploymentFailed,
  FAILURE.registry,
  FAILURE.notOwner,
]);

/** The options of the activities whose limits do not depend on the pipeline file. */
const FIXED_OPTIONS = {
  prepareData: { startToCloseTimeout: '10m', retry: retry(3, '1s', [FAILURE.dataset]) },
  // One short Python call; a hung one is killed and asked again.
  suggestCandidate: { startToCloseTimeout: '2m', retry: retry(3, '1s', [FAILURE.search]) },
  evaluateCandidate: EVALUATION,
  evaluateChampion: EVALUATION,
  // Reads the candidates' ranking predictions and selects; heartbeats every round.
  selectEnsemble: {
    startToCloseTimeout: '10m',
    heartbeatTimeout: '30s',
    retry: retry(3, '2s', [FAILURE.ensemble, FAILURE.metricInput]),
  },
  // Loads the members' models and saves one (downloading and uploading on SageMaker).
  buildEnsemble: {
    startToCloseTimeout: '10m',
    heartbeatTimeout: '20s',
    retry: retry(3, '2s', [FAILURE.ensemble]),
  },
  registerModel: REGISTRY,
  setModelStatus: REGISTRY,
  resolveApprovalPolicy: REGISTRY,
  // Reads the registry and describes the endpoint; a refusal is an answer, not a failure.
  checkRunRights: {
    startToCloseTimeout: '2m',
    retry: retry(5, '1s', [FAILURE.registry, FAILURE.hosting]),
  },
  // A refused credential is an answer, not a failure; retries cover an issuer's keys being unreachable.
  verifyCredential: { startToCloseTimeout: '30s', retry: retry(3, '1s', []) },
  deployEndpoint: {
    // A cancelled deploy stops waiting before compensation starts, so the
    // rollback never races the deploy it undoes.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    startToCloseTimeout: '10m',
    heartbeatTimeout: '30s',
    retry: HOSTING_RETRY,
  },
  configureAutoscaling: { startToCloseTimeout: '5m', retry: HOSTING_RETRY },
  // Reads one workflow's description: who holds an endpoint.
  endpointHolder: { startToCloseTimeout: '30s', retry: retry(3, '1s', []) },
  writeReport: { startToCloseTimeout: '2m', retry: retry(5, '1s', []) },
  // Reads the whole registry and every endpoint, then rolls back: a SageMaker
  // endpoint moving already (EndpointBusy) is waited out by retries, minutes
  // apart at the end; a refused repair is reported in its result instead.
  reconcile: {
    startToCloseTimeout: '30m',
    heartbeatTimeout: '1m',
    retry: { ...retry(8, '2s', [FAILURE.hosting, FAILURE.registry]), maximumInterval: '2m' },
  },
} satisfies Record<
  Exclude<ActivityName, 'trainCandidate' | 'loadTestEndpoint' | 'rollbackEndpoint'>,
  ActivityOptions
>;

/** A training may take as long as the pipeline file's `candidates.trainingTimeout`. */
function trainCandidateOptions(trainingTimeout: string): ActivityOptions {
  return {
    // Cancelling waits until the activity has killed the training, so a
    // cancelled run leaves no process behind.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    startToCloseTimeout: parseDurationMs(trainingTimeout) ?? '30m',
    heartbeatTimeout: '20s',
    retry: retry(3, '2s', [FAILURE.trainingInput]),
  };
}

/** A load test lasts its phases, plus time to drain the last requests and report. */
function loadTestEndpointOptions(loadTest: PipelineConfig['loadTest']): ActivityOptions {
  const loadSeconds = loadTest.phases.reduce((sum, phase) => sum + phase.durationSeconds, 0);
  return {
    startToCloseTimeout: `${Math.ceil(loadSeconds + loadTest.requestTimeoutMs / 1000 + 120)}s`,
    heartbeatTimeout: '30s',
    retry: retry(3, '2s', [FAILURE.hosting, FAILURE.loadTest]),
  };
}

/**
 * Compensation: as many attempts as the pipeline's `endpoint.rollbackTimeout`
 * allows (default an hour), each waiting out an endpoint that is still
 * moving, heartbeating; only a refusal that no retry can change stops it.
 */
function rollbackEndpointOptions(rollbackTimeout: string): ActivityOptions {
  const timeout = parseDurationMs(rollbackTimeout) ?? '1h';
  return {
    scheduleToCloseTimeout: timeout,
    startToCloseTimeout: timeout,
    heartbeatTimeout: '30s',
    retry: {
      // No attempt limit: the timeout above bounds them.
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '30s',
      nonRetryableErrorTypes: [FAILURE.hosting, FAILURE.registry],
    },
  };
}

type FixedName = keyof typeof FIXED_OPTIONS;

const TRAINING_NAMES: ReadonlySet<ActivityName> = new Set<TrainingActivityName>(
  TRAINING_ACTIVITIES,
);

/** An activity's stub: a training activity on `trainingTaskQueue`, any other on the workflow's queue. */
function proxy<N extends ActivityName>(
  name: N,
  options: ActivityOptions,
  trainingTaskQueue: string,
): FerryActivities[N] {
  const taskQueue = TRAINING_NAMES.has(name) ? trainingTaskQueue : undefined;
  return proxyActivities<FerryActivities>({ ...options, taskQueue })[name];
}

/** The activities of one candidate's workflow, on the run's training task queue. */
export function candidateActivities(
  candidates: Pick<PipelineConfig['candidates'], 'trainingTimeout'>,
  trainingTaskQueue: string,
) {
  return {
    trainCandidate: proxy(
      'trainCandidate',
      trainCandidateOptions(candidates.trainingTimeout),
      trainingTaskQueue,
    ),
    evaluateCandidate: proxy(
      'evaluateCandidate',
      FIXED_OPTIONS.evaluateCandidate,
      trainingTaskQueue,
    ),
  };
}

/** Every activity the pipeline workflow calls, each with its options and task queue from this file. */
export function pipelineActivities(
  config: Pick<PipelineConfig, 'candidates'>,
  trainingTaskQueue: string,
) {
  const fixed = Object.fromEntries(
    (Object.keys(FIXED_OPTIONS) as FixedName[]).map((name) => [
      name,
      proxy(name, FIXED_OPTIONS[name], trainingTaskQueue),
    ]),
  ) as Pick<FerryActivities, FixedName>;
  return {
    ...fixed,
    // The chosen configuration's refit on train + validation.
    trainCandidate: proxy(
      'trainCandidate',
      trainCandidateOptions(config.candidates.trainingTimeout),
      trainingTaskQueue,
    ),
  };
}

export type PipelineActivities = ReturnType<typeof pipelineActivities>;

/** The activities of a release workflow: deploy, scale, load-test, and compensate. */
export function releaseActivities(release: Pick<ReleaseInput, 'loadTest' | 'rollbackTimeout'>) {
  return {
    deployEndpoint: controlProxy('deployEndpoint', FIXED_OPTIONS.deployEndpoint),
    configureAutoscaling: controlProxy('configureAutoscaling', FIXED_OPTIONS.configureAutoscaling),
    loadTestEndpoint: controlProxy('loadTestEndpoint', loadTestEndpointOptions(release.loadTest)),
    rollbackEndpoint: controlProxy(
      'rollbackEndpoint',
      rollbackEndpointOptions(release.rollbackTimeout),
    ),
    setModelStatus: controlProxy('setModelStatus', FIXED_OPTIONS.setModelStatus),
  };
}

/** A control activity's stub, on the workflow's own queue: the type refuses a training activity. */
function controlProxy<N extends Exclude<ActivityName, TrainingActivityName>>(
  name: N,
  options: ActivityOptions,
): FerryActivities[N] {
  return proxyActivities<FerryActivities>(options)[name];
}

/** The activity of `ferry reconcile`'s workflow. */
export function reconcileActivities() {
  return { reconcile: controlProxy('reconcile', FIXED_OPTIONS.reconcile) };
}
