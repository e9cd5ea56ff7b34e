import {
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { FerryActivities } from '../activities';
import { selectCandidate, type LeaderboardRow, type ScoredCandidate } from '../evaluation/select';
import { FERRY_STAGE } from '../temporal/search-attributes';
import { mapBounded } from './bounded';
import { EVALUATION_OPTIONS } from './activity-options';
import { candidateWorkflow } from './candidate';
import { generateCandidates } from './candidate-generator';
import { checkChampionGate, type ChampionGateVerdict } from '../evaluation/champion-gate';
import { DecisionDesk } from './decision-desk';
import { pastTense } from './approval-rules';
import { parseDurationMs } from '../config/duration';
import { releaseModel } from './release';
import { backendTargetOf } from './backend-target-of';
import { StepLog } from './step-log';
import type { PipelineStep, ReleaseSummary } from './release-definitions';
import {
  candidatesQuery,
  leaderboardQuery,
  stageQuery,
  summaryQuery,
  type Candidate,
  type CandidateOutcome,
  type CandidateStatus,
  type PipelineInput,
  type PipelineResult,
  type RegisteredModel,
  type RunStage,
} from './definitions';

const { prepareData } = proxyActivities<FerryActivities>({
  startToCloseTimeout: '10m',
  retry: {
    maximumAttempts: 3,
    initialInterval: '1s',
    backoffCoefficient: 2,
    nonRetryableErrorTypes: ['DatasetError'],
  },
});

const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;

const { evaluateChampion } = proxyActivities<FerryActivities>(EVALUATION_OPTIONS);

const { writeReport } = proxyActivities<FerryActivities>({
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 2 },
});

const { registerModel, setModelStatus } = proxyActivities<FerryActivities>({
  startToCloseTimeout: '2m',
  retry: {
    maximumAttempts: 5,
    initialInterval: '1s',
    backoffCoefficient: 2,
    nonRetryableErrorTypes: ['RegistryError'],
  },
});

/**
 * A pipeline run (DESIGN.md §2). Orchestration only: every step that touches
 * data, files or processes is an activity or a child workflow.
 */
export async function trainingPipeline(input: PipelineInput): Promise<PipelineResult> {
  const desk = new DecisionDesk({
    approvers: input.config.approval.approvers,
    allowStarterToApprove: input.config.approval.allowStarterToApprove,
    startedBy: input.startedBy,
  });
  const run = new RunState(input, desk);
  const result = await runSteps(input, run, desk);
  // Runs started before the report step existed end here on replay.
  if (!patched('write-report')) return result;

  const outcomeStage = run.currentStage();
  run.setStage('reporting');
  run.steps.end('done', 'report.json and report.md');
  const steps = run.steps.all();
  const report = await writeReport({
    result: { ...result, steps },
    pipeline: input.config.name,
    objective: input.config.objective,
    startedBy: input.startedBy,
    backend: backendTargetOf(input.config),
  });
  run.setStage(outcomeStage);
  return { ...result, steps, report };
}

async function runSteps(
  input: PipelineInput,
  run: RunState,
  desk: DecisionDesk,
): Promise<PipelineResult> {
  const { config } = input;
  const runId = workflowInfo().workflowId;
  // Undefined for the local backend, so local runs' activity inputs are as they always were.
  const backend = backendTargetOf(config);

  run.setStage('preparing');
  const data = await prepareData({ runId, dataset: config.dataset, split: config.split, backend });

  run.setStage('training');
  const candidates = run.track(generateCandidates(config.candidates));
  const outcomes = await mapBounded(candidates, config.candidates.maxParallel, (candidate) =>
    run.trainAndEvaluate(candidate, () =>
      executeChild(candidateWorkflow, {
        workflowId: `${runId}-${candidate.id}`,
        args: [
          {
            runId,
            candidate,
            config: { dataset: config.dataset, candidates: config.candidates },
            data,
            backend,
          },
        ],
      }),
    ),
  );

  run.setStage('selecting');
  const scored = scoredCandidates(candidates, outcomes);
  if (scored.length === 0) {
    run.setStage('failed');
    throw ApplicationFailure.nonRetryable(
      `all ${candidates.length} candidates failed; the first error: ${run.firstError() ?? 'unknown'}`,
      'AllCandidatesFailed',
    );
  }
  const selection = selectCandidate(scored, config.objective, config.gates.thresholds);
  run.leaderboard = selection.leaderboard;
  const base = {
    runId,
    datasetFingerprint: data.fingerprint,
    leaderboard: selection.leaderboard,
    candidates: run.statuses(),
  };
  if (selection.outcome === 'no-candidate-passed') {
    run.setStage('no-candidate-passed');
    return { ...base, outcome: 'no-candidate-passed', reason: selection.reason };
  }
  run.setStage('selected');
  const { winner } = selection;
  // Runs started before the register step existed complete here on replay.
  if (!patched('register-winner')) return { ...base, outcome: 'selected', winner };

  if (config.gates.champion.enabled && patched('champion-gate')) {
    const champion = await evaluateChampion({
      runId,
      group: config.modelGroup,
      task: config.dataset.task,
      target: config.dataset.target,
      testChannel: data.channels.test,
      backend,
    });
    run.championGate = checkChampionGate(
      config.objective,
      winner,
      champion.found ? champion : undefined,
      config.gates.champion.margin,
    );
    if (!run.championGate.passed) {
      run.setStage('no-candidate-passed');
      return {
        ...base,
        outcome: 'no-candidate-passed',
        reason: `champion gate: ${run.championGate.reason}`,
        championGate: run.championGate,
      };
    }
  }

  run.setStage('registering');
  const winnerIndex = candidates.findIndex((candidate) => candidate.id === winner.id);
  const modelVersion = await registerModel({
    runId,
    group: config.modelGroup,
    candidate: candidates[winnerIndex] as Candidate,
    metrics: winner.metrics,
    datasetFingerprint: data.fingerprint,
    modelDir: outcomes[winnerIndex]?.modelDir ?? '',
    config,
    startedBy: input.startedBy,
    backend,
  });
  run.setStage('registered');
  run.modelVersion = modelVersion;
  // Runs started before the approval step existed complete here on replay.
  if (!patched('await-decision')) return { ...base, outcome: 'selected', winner, modelVersion };

  run.setStage('awaiting-approval');
  const decision = await desk.awaitDecision(
    parseDurationMs(config.approval.timeout) ?? SEVEN_DAYS_MS,
  );
  const status = decision?.action === 'approve' ? 'Approved' : 'Rejected';
  // Approve sets Approved before anything is deployed; an expiry rejects the version.
  run.modelVersion = await setModelStatus({
    group: modelVersion.group,
    version: modelVersion.version,
    status,
    by: decision?.approver ?? 'ferry',
    reason: decision ? decision.message || pastTense(decision.action) : 'approval expired',
    backend,
  });
  const outcome =
    decision === undefined ? 'expired' : decision.action === 'approve' ? 'approved' : 'rejected';
  run.setStage(outcome);
  const decided: PipelineResult = {
    ...base,
    outcome,
    winner,
    modelVersion: run.modelVersion,
    decisionTrail: desk.trail,
    championGate: run.championGate,
  };
  // Runs started before the deploy step existed end at the decision on replay.
  if (outcome !== 'approved' || !patched('deploy-and-test')) return decided;

  const released = await releaseModel({
    runId,
    config,
    model: modelVersion,
    testChannel: data.channels.test,
    setStage: (stage) => run.setStage(stage),
  });
  run.release = released.release;
  if (released.outcome === 'rolled-back') {
    // A version that failed its SLO must not become the next run's champion.
    run.modelVersion = await setModelStatus({
      group: modelVersion.group,
      version: modelVersion.version,
      status: 'Rejected',
      by: 'ferry',
      reason: released.reason,
      backend,
    });
  }
  run.setStage(released.outcome);
  return {
    ...decided,
    outcome: released.outcome,
    reason: released.outcome === 'rolled-back' ? released.reason : undefined,
    modelVersion: run.modelVersion,
    release: released.release,
  };
}

/** What the queries show while the run moves. */
class RunState {
  private stage: RunStage = 'preparing';
  private readonly byId = new Map<string, CandidateStatus>();
  readonly steps = new StepLog();
  leaderboard: LeaderboardRow[] = [];

  modelVersion?: RegisteredModel;
  championGate?: ChampionGateVerdict;
  release?: ReleaseSummary;

  constructor(input: PipelineInput, desk: DecisionDesk) {
    setHandler(summaryQuery, () => ({
      stage: this.stage,
      objective: input.config.objective,
      modelGroup: input.config.modelGroup,
      startedBy: input.startedBy,
      candidates: this.statuses(),
      leaderboard: this.leaderboard,
      modelVersion: this.modelVersion,
      decisionTrail: desk.trail,
      championGate: this.championGate,
      release: this.release,
      steps: this.steps.all(),
    }));
    setHandler(stageQuery, () => this.stage);
    setHandler(candidatesQuery, () => this.statuses());
    setHandler(leaderboardQuery, () => this.leaderboard);
  }

  setStage(stage: RunStage): void {
    this.stage = stage;
    upsertSearchAttributes([{ key: FERRY_STAGE, value: stage }]);
    const step = STEP_OF_STAGE[stage];
    if (step) this.steps.begin(step);
    else if (stage !== 'reporting') this.steps.end(isFailure(stage) ? 'failed' : 'done', stage);
  }

  currentStage(): RunStage {
    return this.stage;
  }

  track(candidates: Candidate[]): Candidate[] {
    for (const c of candidates)
      this.byId.set(c.id, { id: c.id, algorithm: c.algorithm, state: 'pending' });
    return candidates;
  }

  /** A failing candidate is recorded with its reason; it does not fail the run. */
  async trainAndEvaluate(
    candidate: Candidate,
    run: () => Promise<CandidateOutcome>,
  ): Promise<CandidateOutcome | undefined> {
    const status = this.byId.get(candidate.id) ?? {
      id: candidate.id,
      algorithm: candidate.algorithm,
      state: 'pending',
    };
    this.byId.set(candidate.id, { ...status, state: 'running' });
    try {
      const outcome = await run();
      this.byId.set(candidate.id, {
        ...status,
        state: 'succeeded',
        metrics: outcome.metrics,
        trainingMs: outcome.trainingMs,
      });
      return outcome;
    } catch (error) {
      // A cancelled run is not a failed candidate: let the cancellation end the run.
      if (isCancellation(error) || !(error instanceof ChildWorkflowFailure)) throw error;
      this.byId.set(candidate.id, { ...status, state: 'failed', error: rootMessage(error) });
      return undefined;
    }
  }

  statuses(): CandidateStatus[] {
    return [...this.byId.values()];
  }

  firstError(): string | undefined {
    return this.statuses().find((s) => s.error !== undefined)?.error;
  }
}

/** The stages that begin one of the eight steps; the others end the running one. */
const STEP_OF_STAGE: Partial<Record<RunStage, PipelineStep>> = {
  preparing: 'prepare',
  training: 'train',
  selecting: 'select',
  registering: 'register',
  'awaiting-approval': 'approve',
  deploying: 'deploy',
  scaling: 'deploy',
  'load-testing': 'loadTest',
  'rolling-back': 'loadTest',
  reporting: 'report',
};

function scoredCandidates(
  candidates: Candidate[],
  outcomes: (CandidateOutcome | undefined)[],
): ScoredCandidate[] {
  return candidates.flatMap((candidate, i) => {
    const outcome = outcomes[i];
    return outcome
      ? [
          {
            id: candidate.id,
            index: candidate.index,
            algorithm: candidate.algorithm,
            hyperparameters: candidate.hyperparameters,
            metrics: outcome.metrics,
          },
        ]
      : [];
  });
}

/** The innermost cause: for a candidate, the activity's own message, not "child workflow failed". */
function rootMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}

function isFailure(stage: RunStage): boolean {
  return stage === 'failed' || stage === 'rolled-back';
}
