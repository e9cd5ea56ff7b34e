import type { BackendTarget } from '../backends/backend-target';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DecisionAction } from './approval-rules';
import type { PipelineConfig } from '../config/pipeline-schema';
import type { MetricName, Task } from '../evaluation/metric-names';
import type { LeaderboardRow } from '../evaluation/select';
import type { ChampionGateVerdict } from '../evaluation/champion-gate';
import type { DatasetProfile } from '../dataset/profile-dataset';
import type { ReleaseSummary, ReportFiles, StepRecord } from './release-definitions';

/**
 * The shapes that cross the workflow boundary: workflow input and result,
 * activity inputs and outputs, and the queries. Shared by the workflows, the
 * activities and the clients (CLI, API), so each shape is written once.
 */

export const PIPELINE_WORKFLOW = 'trainingPipeline';

export interface PipelineInput {
  config: PipelineConfig;
  /** Who started the run (`ferry run --as`, FERRY_USER, or the OS user). */
  startedBy: string;
}

/** Where a run is: the stage of the step it is in, then the outcome it ended with. */
export type RunStage =
  | 'preparing'
  | 'training'
  | 'selecting'
  | 'registering'
  | 'awaiting-approval'
  | 'deploying'
  | 'scaling'
  | 'load-testing'
  | 'rolling-back'
  | 'reporting'
  | RunOutcome['outcome']
  | 'failed';

export type CandidateState = 'pending' | 'running' | 'succeeded' | 'failed';

export interface Candidate {
  id: string;
  index: number;
  algorithm: string;
  hyperparameters: Record<string, number>;
  seed: number;
}

export interface CandidateStatus {
  id: string;
  algorithm: string;
  state: CandidateState;
  error?: string;
  metrics?: Partial<Record<MetricName, number>>;
  trainingMs?: number;
}

/** How a run ended and what it found, before its report is written. */
export interface RunOutcome {
  outcome: 'no-candidate-passed' | 'rejected' | 'expired' | 'deployed' | 'rolled-back';
  runId: string;
  datasetFingerprint: string;
  winner?: LeaderboardRow;
  leaderboard: LeaderboardRow[];
  reason?: string;
  candidates: CandidateStatus[];
  /** The registry version of the winner, once registered. */
  modelVersion?: RegisteredModel;
  /** Every decision attempt, once the run asked for one. */
  decisionTrail?: DecisionTrailEntry[];
  championGate?: ChampionGateVerdict;
  /** Deploy, auto scaling, load test and any rollback, once an approved version was deployed. */
  release?: ReleaseSummary;
}

/** What the report is written from: the outcome and the eight steps with their times. */
export interface ReportedRun extends RunOutcome {
  steps: StepRecord[];
}

/** A finished run's result: what it found, its steps, and where its report is. */
export interface PipelineResult extends ReportedRun {
  report: ReportFiles;
}

export interface EvaluateChampionInput {
  runId: string;
  group: string;
  task: Task;
  target: string;
  testChannel: string;
  /** Which backend does the work; absent for the local backend. */
  backend?: BackendTarget;
}

export type ChampionEvaluation =
  | { found: false }
  | {
      found: true;
      version: number;
      algorithm: string;
      metrics: Partial<Record<MetricName, number>>;
    };

/** Every decision attempt that reached the run, accepted or refused (refused updates never do). */
export interface DecisionTrailEntry {
  at: string;
  via: 'update' | 'signal' | 'timeout';
  action: DecisionAction | 'expire';
  approver: string;
  message: string;
  accepted: boolean;
  reason?: string;
}

/** What `ferry approve` and `ferry reject` send, and what a signal should carry. */
export interface DecisionRequest {
  approver: string;
  message?: string;
}

export interface DecisionAccepted {
  action: DecisionAction;
  approver: string;
}

export interface SetModelStatusInput {
  group: string;
  version: number;
  status: 'Approved' | 'Rejected';
  by: string;
  reason: string;
  /** Which backend does the work; absent for the local backend. */
  backend?: BackendTarget;
}

// --- activities ---------------------------------------------------------------

export interface PrepareDataInput {
  runId: string;
  dataset: { path: string; target: string; task: Task; positiveClass?: string };
  split: { train: number; validation: number; test: number; seed: number; stratify?: boolean };
  /** Which backend does the work; absent for the local backend. */
  backend?: BackendTarget;
}

export interface PreparedData {
  fingerprint: string;
  /** Folders holding train.csv, validation.csv and test.csv (SageMaker channels). */
  channels: { train: string; validation: string; test: string };
  rows: { train: number; validation: number; test: number; withoutTarget: number };
  classes?: string[];
  profile: DatasetProfile;
}

export interface TrainCandidateInput {
  runId: string;
  candidate: Candidate;
  task: Task;
  target: string;
  positiveClass?: string;
  channels: PreparedData['channels'];
  /** How many trainings run at once, so each takes its share of the cores. */
  concurrentTrainings: number;
  /** Which backend does the work; absent for the local backend. */
  backend?: BackendTarget;
}

export interface TrainedModel {
  modelDir: string;
  validationMetrics: Record<string, number>;
  trainingMs: number;
}

export interface EvaluateCandidateInput {
  runId: string;
  candidate: Candidate;
  task: Task;
  target: string;
  classes?: string[];
  modelDir: string;
  testChannel: string;
  /** Which backend does the work; absent for the local backend. */
  backend?: BackendTarget;
}

export interface CandidateEvaluation {
  metrics: Partial<Record<MetricName, number>>;
  rows: number;
}

export interface CandidateWorkflowInput {
  runId: string;
  candidate: Candidate;
  config: Pick<PipelineConfig, 'dataset' | 'candidates'>;
  data: Pick<PreparedData, 'channels' | 'classes'>;
  /** Which backend does the work; absent for the local backend. */
  backend?: BackendTarget;
}

export interface CandidateOutcome {
  candidateId: string;
  metrics: Partial<Record<MetricName, number>>;
  validationMetrics: Record<string, number>;
  trainingMs: number;
  modelDir: string;
}

export interface RegisterModelInput {
  runId: string;
  group: string;
  /** The selected candidate, with its metrics and where its model is. */
  winner: LeaderboardRow;
  datasetFingerprint: string;
  config: PipelineConfig;
  startedBy: string;
  /** Which backend does the work; absent for the local backend. */
  backend?: BackendTarget;
}

export interface RegisteredModel {
  group: string;
  version: number;
  status: 'PendingManualApproval' | 'Approved' | 'Rejected';
}

// --- queries ------------------------------------------------------------------

export interface RunSummary {
  stage: RunStage;
  objective: MetricName;
  modelGroup: string;
  startedBy: string;
  candidates: CandidateStatus[];
  leaderboard: LeaderboardRow[];
  modelVersion?: RegisteredModel;
  decisionTrail: DecisionTrailEntry[];
  championGate?: ChampionGateVerdict;
  release?: ReleaseSummary;
  steps: StepRecord[];
}

export const summaryQuery = defineQuery<RunSummary>('summary');
export const approveUpdate = defineUpdate<DecisionAccepted, [DecisionRequest]>('approve');
export const rejectUpdate = defineUpdate<DecisionAccepted, [DecisionRequest]>('reject');
// Signals carry `unknown`: a payload typed by hand in the Temporal UI is checked, not trusted.
export const approveSignal = defineSignal<[unknown]>('approve');
export const rejectSignal = defineSignal<[unknown]>('reject');
export const stageQuery = defineQuery<RunStage>('stage');
export const candidatesQuery = defineQuery<CandidateStatus[]>('candidates');
export const leaderboardQuery = defineQuery<LeaderboardRow[]>('leaderboard');
