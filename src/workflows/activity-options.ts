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

/**
 * How every Ferry activity is called, in one place: its timeouts, heartbeat
 * and retry policy. The non-retryable types come from the failure catalogue
 * that the activities throw from, so a policy cannot name a type nobody
 * throws. Two activities' limits follow the pipeline file (a training's
 * timeout, the load test's length), so they are built from it.
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
  deployEndpoint: { startToCloseTimeout: '10m', heartbeatTimeout: '30s', retry: HOSTING_RETRY },
  configureAutoscaling: { startToCloseTimeout: '5m', retry: HOSTING_RETRY },
  rollbackEndpoint: { startToCloseTimeout: '5m', retry: HOSTING_RETRY },
  writeReport: { startToCloseTimeout: '2m', retry: retry(5, '1s', []) },
  // Reads the whole registry and every endpoint, then rolls back: a SageMaker
  // endpoint moving already (EndpointBusy) is waited out by retries, minutes
  // apart at the end; a refused repair is reported in its result instead.
  reconcile: {
    startToCloseTimeout: '30m',
    heartbeatTimeout: '1m',
    retry: { ...retry(8, '2s', [FAILURE.hosting, FAILURE.registry]), maximumInterval: '2m' },
  },
} satisfies Record<Exclude<ActivityName, 'trainCandidate' | 'loadTestEndpoint'>, ActivityOptions>;

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

type FixedName = keyof typeof FIXED_OPTIONS;

function proxy<N extends ActivityName>(name: N, options: ActivityOptions): FerryActivities[N] {
  return proxyActivities<FerryActivities>(options)[name];
}

/** The activities of one candidate's workflow. */
export function candidateActivities(
  candidates: Pick<PipelineConfig['candidates'], 'trainingTimeout'>,
) {
  return {
    trainCandidate: proxy('trainCandidate', trainCandidateOptions(candidates.trainingTimeout)),
    evaluateCandidate: proxy('evaluateCandidate', FIXED_OPTIONS.evaluateCandidate),
  };
}

/** Every activity the pipeline workflow calls, each with its options from this file. */
export function pipelineActivities(config: Pick<PipelineConfig, 'loadTest' | 'candidates'>) {
  const fixed = Object.fromEntries(
    (Object.keys(FIXED_OPTIONS) as FixedName[]).map((name) => [
      name,
      proxy(name, FIXED_OPTIONS[name]),
    ]),
  ) as Pick<FerryActivities, FixedName>;
  return {
    ...fixed,
    loadTestEndpoint: proxy('loadTestEndpoint', loadTestEndpointOptions(config.loadTest)),
    // The chosen configuration's refit on train + validation.
    trainCandidate: proxy(
      'trainCandidate',
      trainCandidateOptions(config.candidates.trainingTimeout),
    ),
  };
}

export type PipelineActivities = ReturnType<typeof pipelineActivities>;

/** The activity of `ferry reconcile`'s workflow. */
export function reconcileActivities() {
  return { reconcile: proxy('reconcile', FIXED_OPTIONS.reconcile) };
}
