import {
  ChildWorkflowFailure,
  isCancellation,
  log,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BackendTarget } from '../backends/backend-target';
import type { ChampionGateVerdict } from '../evaluation/champion-gate';
import type { Protocol } from '../evaluation/protocol';
import type { ChosenModel, LeaderboardRow } from '../evaluation/select';
import { FERRY_STAGE } from '../temporal/search-attributes';
import { pipelineActivities, type PipelineActivities } from './activity-options';
import { backendTargetOf } from './backend-target-of';
import type { PolicyInForce } from '../policy/policy-in-force';
import { DecisionDesk } from './decision-desk';
import {
  candidatesQuery,
  leaderboardQuery,
  stageQuery,
  summaryQuery,
  type Candidate,
  type CandidateOutcome,
  type CandidateStatus,
  type PipelineInput,
  type RegisteredModel,
  type RunOutcome,
  type PipelineResult,
  type RunStage,
} from './definitions';
import {
  releaseProgressSchema,
  releaseProgressSignal,
  type PipelineStep,
  type ReleaseResult,
  type ReleaseStage,
  type ReleaseSummary,
} from './release-definitions';
import { rootMessage } from './root-message';
import { StepLog, type StepEnding } from './step-log';
import { trainingTaskQueueOf } from './training-task-queue';

/** The stage a run shows while each step runs (a step may move on to finer stages, e.g. 'scaling'). */
const STAGE_OF_STEP: Record<PipelineStep, RunStage> = {
  prepare: 'preparing',
  train: 'training',
  select: 'selecting',
  register: 'registering',
  approve: 'awaiting-approval',
  deploy: 'deploying',
  loadTest: 'load-testing',
  report: 'reporting',
};

/**
 * One run as it moves: what its steps need (the pipeline file, the run id,
 * the backend, the activities) and what they found so far, which the
 * queries and the result show. Each step runs through `step()`, which keeps
 * the step log and the stage.
 */
export class RunState {
  readonly runId = workflowInfo().workflowId;
  readonly config: PipelineInput['config'];
  /** The sealed start credential; the prepare step verifies it before anything else. */
  readonly startCredential: string;
  /** Who started the run, once the prepare step has verified their credential. */
  startedBy = '';
  /** Which backend does the work; undefined for the local backend. */
  readonly backend: BackendTarget | undefined;
  readonly activities: PipelineActivities;
  /** Where its training activities and candidates' activities go (src/temporal/task-queues.ts). */
  readonly trainingTaskQueue: string;
  readonly desk: DecisionDesk;
  readonly steps = new StepLog();

  private stage: RunStage = 'preparing';
  private readonly byId = new Map<string, CandidateStatus>();
  datasetFingerprint = '';
  /** How candidates are ranked, fixed by the prepare step. */
  protocol?: Protocol;
  leaderboard: LeaderboardRow[] = [];
  /** The chosen model, refit and scored on test, once the select step has one. */
  winner?: ChosenModel;
  championGate?: ChampionGateVerdict;
  /** What ensemble selection did, for the select step's note: an ensemble offered, or why none. */
  ensembleNote?: string;
  modelVersion?: RegisteredModel;
  /** The approval policy in force, from registration on. */
  policy?: PolicyInForce;
  isDecisionAsked = false;
  release?: ReleaseSummary;
  /** Where this run's release workflow is, as it last said (release/release-progress.ts). */
  releaseStage?: ReleaseStage;
  /** How the release workflow ends, once it started: it owns the endpoint and the version from then on. */
  releaseResult?: Promise<ReleaseResult>;
  reason?: string;

  constructor(input: PipelineInput) {
    this.config = input.config;
    this.startCredential = input.startCredential;
    this.backend = backendTargetOf(input.config);
    this.trainingTaskQueue = trainingTaskQueueOf(input);
    this.activities = pipelineActivities(input.config, this.trainingTaskQueue);
    this.desk = new DecisionDesk(this.runId, (check) => this.activities.verifyCredential(check));
    setHandler(summaryQuery, () => ({
      stage: this.stage,
      objective: this.config.objective,
      protocol: this.protocol,
      winner: this.winner,
      modelGroup: this.config.modelGroup,
      startedBy: this.startedBy,
      candidates: this.statuses(),
      leaderboard: this.leaderboard,
      modelVersion: this.modelVersion,
      decisionTrail: this.desk.trail,
      policy: this.policy,
      refusedNotRecorded: this.desk.refusedNotRecorded,
      championGate: this.championGate,
      release: this.release,
      steps: this.steps.all(),
    }));
    // Anyone who reaches the namespace can send a signal, so this one only
    // moves what the run shows; the endpoint and the registry follow the
    // release workflow's own result.
    setHandler(releaseProgressSignal, (payload: unknown) => {
      const progress = releaseProgressSchema.safeParse(payload);
      if (!progress.success || !this.releaseResult) return;
      this.release = progress.data.release;
      this.releaseStage = progress.data.stage;
      this.setStage(progress.data.stage);
    });
    setHandler(stageQuery, () => this.stage);
    setHandler(candidatesQuery, () => this.statuses());
    setHandler(leaderboardQuery, () => this.leaderboard);
  }

  /**
   * Runs one of the eight steps: the stage moves to the step's, the step log
   * records its start and end (`ending` says how a step that returned went),
   * and a failure ends the step, and the run's stage, as failed.
   */
  async step<T>(
    step: PipelineStep,
    work: () => Promise<T>,
    ending: (value: T) => StepEnding,
  ): Promise<T> {
    this.setStage(STAGE_OF_STEP[step]);
    this.steps.begin(step);
    try {
      const value = await work();
      const end = ending(value);
      this.steps.end(end);
      // The SDK's workflow logger: replay-aware, tagged with the run's ids by the worker.
      log.info(`step ${step} ${end.status ?? 'done'}`, { step, note: end.note });
      return value;
    } catch (error) {
      // The innermost cause (the DatasetError's own words and fix), bounded: it goes into every query answer.
      const note = isCancellation(error) ? 'the run was cancelled' : rootMessage(error);
      this.steps.end({ status: 'failed', note });
      if (!isCancellation(error)) this.setStage('failed');
      log.warn(`step ${step} failed`, { step, note });
      throw error;
    }
  }

  setStage(stage: RunStage): void {
    this.stage = stage;
    upsertSearchAttributes([{ key: FERRY_STAGE, value: stage }]);
  }

  /** The run's result so far, ending with `outcome`. */
  outcome(outcome: RunOutcome['outcome']): RunOutcome {
    return {
      outcome,
      runId: this.runId,
      datasetFingerprint: this.datasetFingerprint,
      protocol: this.protocol,
      winner: this.winner,
      leaderboard: this.leaderboard,
      reason: this.reason,
      candidates: this.statuses(),
      modelVersion: this.modelVersion,
      decisionTrail: this.isDecisionAsked ? this.desk.trail : undefined,
      policy: this.policy,
      startedBy: this.startedBy || undefined,
      championGate: this.championGate,
      release: this.release,
    };
  }

  finish(outcome: RunOutcome, report: PipelineResult['report']): PipelineResult {
    this.setStage(outcome.outcome);
    return { ...outcome, steps: this.steps.all(), report };
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
    const status: CandidateStatus = {
      id: candidate.id,
      algorithm: candidate.algorithm,
      state: 'running',
    };
    this.byId.set(candidate.id, status);
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
      this.byId.set(candidate.id, {
        ...status,
        state: 'failed',
        error: rootMessage(error),
      });
      return undefined;
    }
  }

  statuses(): CandidateStatus[] {
    return [...this.byId.values()];
  }
}
