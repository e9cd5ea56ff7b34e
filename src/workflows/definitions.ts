import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { backendTargetSchema } from '../backends/backend-target';
import { approvalStatusSchema } from '../backends/registry';
import { trainingOutcomeSchema } from '../backends/trainer';
import {
  datasetSchema,
  datasetTargetSchema,
  evaluationSchema,
  pipelineSchema,
  splitSchema,
} from '../config/pipeline-schema';
import { datasetProfileSchema } from '../dataset/dataset-profile';
import { championGateVerdictSchema, championSchema } from '../evaluation/champion-gate';
import { metricNameSchema, metricValuesSchema } from '../evaluation/metric-names';
import { protocolSchema } from '../evaluation/protocol';
import { chosenModelSchema, leaderboardRowSchema } from '../evaluation/select';
import { credentialActionSchema, credentialCheckSchema } from '../identity/credential-binding';
import { decisionTrailEntrySchema } from '../policy/decision-trail';
import { policyInForceSchema } from '../policy/policy-in-force';
import { decisionActionSchema } from './approval-rules';
import { releaseSummarySchema, reportFilesSchema, stepRecordSchema } from './release-definitions';

/**
 * The shapes that cross the workflow boundary, each once as a zod schema
 * with its type inferred from it: workflow input and result, activity
 * inputs and outputs, and the queries. The workflows, the activities and the
 * clients (CLI, API) share them; the API serves them in its OpenAPI
 * document. Schemas are pure data, so the workflow sandbox imports them.
 */

export const PIPELINE_WORKFLOW = 'trainingPipeline';

/** Which backend does the work; absent for the local backend. */
const backend = backendTargetSchema.optional();

export const pipelineInputSchema = z.object({
  config: pipelineSchema,
  /**
   * Who starts the run, proven: a sealed credential for action "start",
   * bound to the run id and this config (`ferry run` or the API get one).
   * The first step verifies it; the run's starter is its verified subject.
   */
  startCredential: z.string(),
  /**
   * The task queue of the run's training activities: FERRY_TRAINING_TASK_QUEUE
   * where the run was started, when set there; absent, the run's own task
   * queue with `-training` after it (`ferry` → `ferry-training`), as the
   * workers derive it (src/temporal/task-queues.ts).
   */
  trainingTaskQueue: z.string().min(1).optional(),
});
/** A validated pipeline file and its start credential: what `trainingPipeline` takes (defaults already applied). */
export type PipelineInput = z.output<typeof pipelineInputSchema>;

/**
 * How a run ends. A failed or cancelled run still writes its report (what
 * failed, what was compensated, the state it left), then ends as failed or
 * cancelled in Temporal too.
 */
export const runOutcomeNameSchema = z.enum([
  'no-candidate-passed',
  'rejected',
  'expired',
  'deployed',
  'rolled-back',
  'failed',
  'cancelled',
]);

/** Where a run is: the stage of the step it is in, then the outcome it ended with. */
export const runStageSchema = z.enum([
  'preparing',
  'training',
  'selecting',
  'registering',
  'awaiting-approval',
  'waiting-for-endpoint',
  'deploying',
  'scaling',
  'load-testing',
  'rolling-back',
  'reporting',
  ...runOutcomeNameSchema.options,
]);
export type RunStage = z.infer<typeof runStageSchema>;

export const candidateSchema = z.object({
  id: z.string(),
  index: z.number().int(),
  algorithm: z.string(),
  hyperparameters: z.record(z.string(), z.number()),
  seed: z.number().int(),
});
export type Candidate = z.infer<typeof candidateSchema>;

export const candidateStateSchema = z.enum(['pending', 'running', 'succeeded', 'failed']);
export type CandidateState = z.infer<typeof candidateStateSchema>;

export const candidateStatusSchema = z.object({
  id: z.string(),
  algorithm: z.string(),
  state: candidateStateSchema,
  error: z.string().optional(),
  metrics: metricValuesSchema.optional(),
  trainingMs: z.number().optional(),
});
export type CandidateStatus = z.infer<typeof candidateStatusSchema>;

export const registeredModelSchema = z.object({
  group: z.string(),
  version: z.number().int(),
  status: approvalStatusSchema,
});
export type RegisteredModel = z.infer<typeof registeredModelSchema>;

export { decisionTrailEntrySchema, type DecisionTrailEntry } from '../policy/decision-trail';

/**
 * What an approve or reject update or signal carries: a sealed credential
 * (from the API, or `ferry approve` on a development machine). The person
 * and their message are inside it, signed; nothing in the payload beside it
 * is believed.
 */
export const decisionRequestSchema = z.object({ credential: z.string() });
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

/** The answer to an accepted decision: who was verified, and how far the quorum is. */
export const decisionAcceptedSchema = z.object({
  action: decisionActionSchema,
  approver: z.string(),
  issuer: z.string(),
  /** Distinct approvals so far, and how many the policy needs. */
  approvals: z.number().int(),
  approvalsNeeded: z.number().int(),
});
export type DecisionAccepted = z.infer<typeof decisionAcceptedSchema>;

/** How a run ended and what it found, before its report is written. */
export const runOutcomeSchema = z.object({
  outcome: runOutcomeNameSchema,
  runId: z.string(),
  datasetFingerprint: z.string(),
  /** How the leaderboard's scores were computed (validation split or cross-validation). */
  protocol: protocolSchema.optional(),
  /** The chosen model, refit and scored once on test; present once the select step chose one, even if a gate stopped it. */
  winner: chosenModelSchema.optional(),
  leaderboard: z.array(leaderboardRowSchema),
  reason: z.string().optional(),
  candidates: z.array(candidateStatusSchema),
  /** The registry version of the winner, once registered. */
  modelVersion: registeredModelSchema.optional(),
  /** Every decision attempt, once the run asked for one. */
  decisionTrail: z.array(decisionTrailEntrySchema).optional(),
  /** The approval policy the decision was taken under, once the version was registered. */
  policy: policyInForceSchema.optional(),
  /** Who started the run, as their start credential proved. */
  startedBy: z.string().optional(),
  championGate: championGateVerdictSchema.optional(),
  /** Deploy, auto scaling, load test and any rollback, once an approved version was deployed. */
  release: releaseSummarySchema.optional(),
});
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

/** What the report is written from: the outcome and the eight steps with their times. */
export const reportedRunSchema = runOutcomeSchema.extend({ steps: z.array(stepRecordSchema) });
export type ReportedRun = z.infer<typeof reportedRunSchema>;

/** A finished run's result: what it found, its steps, and where its report is. */
export const pipelineResultSchema = reportedRunSchema.extend({ report: reportFilesSchema });
export type PipelineResult = z.infer<typeof pipelineResultSchema>;

// --- activities ---------------------------------------------------------------

export const prepareDataInputSchema = z.object({
  runId: z.string(),
  dataset: datasetSchema,
  split: splitSchema,
  evaluation: evaluationSchema,
  backend,
});
export type PrepareDataInput = z.infer<typeof prepareDataInputSchema>;

/**
 * A training job's data: a folder with train.csv, and one with validation.csv
 * (absent for a refit). On the SageMaker backend each is an S3 prefix
 * (`s3://bucket/<prefix>/runs/<run>/data/train/`), which any worker can read.
 */
export const trainingChannelsSchema = z.object({
  train: z.string(),
  validation: z.string().optional(),
});
export type TrainingChannels = z.infer<typeof trainingChannelsSchema>;

export const preparedDataSchema = z.object({
  fingerprint: z.string(),
  /**
   * Folders (SageMaker channels) holding train.csv, validation.csv and
   * test.csv, and train + validation as one train.csv for the refit: on the
   * worker that prepared them for the local backend (one machine), S3
   * prefixes for the SageMaker backend (any worker downloads what it needs).
   */
  channels: z.object({
    train: z.string(),
    validation: z.string(),
    test: z.string(),
    trainValidation: z.string(),
  }),
  /** Cross-validation only: each fold's training rows and held-out rows. */
  folds: z.array(trainingChannelsSchema.required()),
  protocol: protocolSchema,
  rows: z.object({
    train: z.number().int(),
    validation: z.number().int(),
    test: z.number().int(),
    withoutTarget: z.number().int(),
  }),
  classes: z.array(z.string()).optional(),
  profile: datasetProfileSchema,
});
export type PreparedData = z.infer<typeof preparedDataSchema>;

export const trainCandidateInputSchema = datasetTargetSchema.extend({
  runId: z.string(),
  candidate: candidateSchema,
  channels: trainingChannelsSchema,
  /** Cross-validation: which fold (from 1) this training leaves out. */
  fold: z.number().int().min(1).optional(),
  /** How many trainings run at once, so each takes its share of the cores. */
  concurrentTrainings: z.number().int().min(1),
  backend,
});
export type TrainCandidateInput = z.infer<typeof trainCandidateInputSchema>;

export const trainedModelSchema = trainingOutcomeSchema.extend({ trainingMs: z.number() });
export type TrainedModel = z.infer<typeof trainedModelSchema>;

/** Which rows a model is scored on: a folder (channel) holding `<split>.csv`, or its S3 prefix. */
export const scoredRowsSchema = z.object({
  split: z.enum(['validation', 'test']),
  channel: z.string(),
  /** Cross-validation: the fold whose held-out rows these are. */
  fold: z.number().int().min(1).optional(),
});
export type ScoredRows = z.infer<typeof scoredRowsSchema>;

export const evaluateCandidateInputSchema = datasetTargetSchema
  .omit({ positiveClass: true })
  .extend({
    runId: z.string(),
    candidate: candidateSchema,
    classes: z.array(z.string()).optional(),
    modelDir: z.string(),
    rows: scoredRowsSchema,
    backend,
  });
export type EvaluateCandidateInput = z.infer<typeof evaluateCandidateInputSchema>;

export const candidateEvaluationSchema = z.object({
  metrics: metricValuesSchema,
  rows: z.number().int(),
  /** Ranking (validation) rows only: the file (an S3 object on SageMaker) keeping the model's predictions on them, for ensemble selection. */
  predictions: z.string().optional(),
});
export type CandidateEvaluation = z.infer<typeof candidateEvaluationSchema>;

export const candidateWorkflowInputSchema = z.object({
  runId: z.string(),
  candidate: candidateSchema,
  config: pipelineSchema.pick({ dataset: true, candidates: true }),
  data: preparedDataSchema.pick({ channels: true, folds: true, protocol: true, classes: true }),
  backend,
  /** Where its training and evaluation run (the parent's training task queue). */
  trainingTaskQueue: z.string().min(1),
});
export type CandidateWorkflowInput = z.output<typeof candidateWorkflowInputSchema>;

export const candidateOutcomeSchema = z.object({
  candidateId: z.string(),
  /** The ranking score: on the validation split, or the mean over the cross-validation folds. */
  metrics: metricValuesSchema,
  /** Cross-validation: the standard deviation of each metric over the folds. */
  spread: metricValuesSchema.optional(),
  /** Rounds that early stopping kept (the mean over folds), for the refit. */
  fittedRounds: z.number().int().optional(),
  trainingMs: z.number(),
  /** The model trained on the train split; absent under cross-validation (one model per fold). */
  modelDir: z.string().optional(),
  /** Its predictions on the ranking rows: the validation split, or each fold's held-out rows in fold order. */
  rankingPredictions: z.array(z.string()).optional(),
});
export type CandidateOutcome = z.infer<typeof candidateOutcomeSchema>;

/** Ensemble selection over the candidates' ranking predictions (select step). */
export const selectEnsembleInputSchema = datasetTargetSchema.omit({ positiveClass: true }).extend({
  runId: z.string(),
  objective: metricNameSchema,
  /**
   * The folders (channels) holding the ranking rows' validation.csv, target
   * column included, in the order of each member's predictions files: the
   * validation split, or each fold's held-out rows.
   */
  rankingRows: z.array(z.string()).min(1),
  members: z.array(z.object({ id: z.string(), predictions: z.array(z.string()).min(1) })).min(2),
  rounds: z.number().int().min(1),
  /** Where the rows and predictions are kept (S3 on SageMaker), so any worker can read them. */
  backend,
});
export type SelectEnsembleInput = z.infer<typeof selectEnsembleInputSchema>;

export const ensembleChoiceSchema = z.object({
  /** The members with weight > 0, in input order; the weights sum to 1. */
  weights: z.array(z.object({ id: z.string(), weight: z.number() })),
  /** The ranking score: on the validation split, or the mean over the folds (the rows the weights were chosen on). */
  metrics: metricValuesSchema,
  /** Cross-validation: each metric's standard deviation over the folds. */
  spread: metricValuesSchema.optional(),
  bestSingleId: z.string(),
  /** How many rounds of selection the kept ensemble took. */
  rounds: z.number().int(),
  rows: z.number().int(),
});
export type EnsembleChoice = z.infer<typeof ensembleChoiceSchema>;

export const buildEnsembleInputSchema = z.object({
  runId: z.string(),
  members: z
    .array(z.object({ id: z.string(), modelDir: z.string(), weight: z.number().positive() }))
    .min(1),
  backend,
});
export type BuildEnsembleInput = z.infer<typeof buildEnsembleInputSchema>;

export const evaluateChampionInputSchema = datasetTargetSchema
  .omit({ positiveClass: true })
  .extend({
    runId: z.string(),
    group: z.string(),
    rows: scoredRowsSchema.extend({ split: z.literal('test') }),
    backend,
  });
export type EvaluateChampionInput = z.infer<typeof evaluateChampionInputSchema>;

export const championEvaluationSchema = z.discriminatedUnion('found', [
  z.object({ found: z.literal(false) }),
  championSchema.extend({ found: z.literal(true) }),
]);
export type ChampionEvaluation = z.infer<typeof championEvaluationSchema>;

export const registerModelInputSchema = z.object({
  runId: z.string(),
  group: z.string(),
  /** The chosen model, with its test metrics, how it was trained and where it is. */
  winner: chosenModelSchema,
  protocol: protocolSchema,
  datasetFingerprint: z.string(),
  config: pipelineSchema,
  /** The verified starter. */
  startedBy: z.string(),
  /** The approval policy in force, recorded with the version. */
  policy: policyInForceSchema,
  backend,
});
export type RegisterModelInput = z.output<typeof registerModelInputSchema>;

/** What registering gives back: the version, and the approval policy it is governed by. */
export const registrationSchema = z.object({
  model: registeredModelSchema,
  policy: policyInForceSchema,
});
export type Registration = z.infer<typeof registrationSchema>;

export const resolveApprovalPolicyInputSchema = z.object({
  group: z.string(),
  approval: pipelineSchema.shape.approval,
  backend,
});
export type ResolveApprovalPolicyInput = z.output<typeof resolveApprovalPolicyInputSchema>;

/** A run's verified starter, its model group and endpoint, for the ownership check. */
export const checkRunRightsInputSchema = z.object({
  group: z.string(),
  endpoint: z.string(),
  person: z.string(),
  backend,
});
export type CheckRunRightsInput = z.output<typeof checkRunRightsInputSchema>;

/**
 * A credential to check, and what it must allow. `config` is given for a
 * start: the verifier hashes it and compares with the credential's digest.
 * `presentedAt` is when the run received it (workflow time), so a
 * credential valid on arrival stays valid while a busy worker gets to it.
 */
export const verifyCredentialInputSchema = z.object({
  credential: z.string(),
  expected: z.object({
    action: credentialActionSchema,
    runId: z.string(),
    group: z.string(),
    version: z.number().int().optional(),
  }),
  config: pipelineSchema.optional(),
  presentedAt: z.string(),
});
export type VerifyCredentialInput = z.output<typeof verifyCredentialInputSchema>;
export { credentialCheckSchema };

export const setModelStatusInputSchema = z.object({
  group: z.string(),
  version: z.number().int(),
  status: approvalStatusSchema.exclude(['PendingManualApproval']),
  by: z.string(),
  reason: z.string(),
  /** The decision trail, chained onto the version's record before its status changes; absent once it was stored at the decision. */
  trail: z.array(decisionTrailEntrySchema).optional(),
  backend,
});
export type SetModelStatusInput = z.infer<typeof setModelStatusInputSchema>;

// --- queries ------------------------------------------------------------------

export const runSummarySchema = z.object({
  stage: runStageSchema,
  objective: metricNameSchema,
  protocol: protocolSchema.optional(),
  modelGroup: z.string(),
  /** The chosen model, refit and scored on test, once the select step has one. */
  winner: chosenModelSchema.optional(),
  /** The verified starter; empty until the first step has checked the start credential. */
  startedBy: z.string(),
  candidates: z.array(candidateStatusSchema),
  leaderboard: z.array(leaderboardRowSchema),
  modelVersion: registeredModelSchema.optional(),
  decisionTrail: z.array(decisionTrailEntrySchema),
  policy: policyInForceSchema.optional(),
  /** Refused decisions beyond the trail's cap: counted, not kept. */
  refusedNotRecorded: z.number().int(),
  championGate: championGateVerdictSchema.optional(),
  release: releaseSummarySchema.optional(),
  steps: z.array(stepRecordSchema),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const summaryQuery = defineQuery<RunSummary>('summary');
export const approveUpdate = defineUpdate<DecisionAccepted, [DecisionRequest]>('approve');
export const rejectUpdate = defineUpdate<DecisionAccepted, [DecisionRequest]>('reject');
// Signals carry `unknown`: a payload typed by hand in the Temporal UI is checked, not trusted.
export const approveSignal = defineSignal<[unknown]>('approve');
export const rejectSignal = defineSignal<[unknown]>('reject');
export const stageQuery = defineQuery<RunStage>('stage');
export const candidatesQuery = defineQuery<CandidateStatus[]>('candidates');
export const leaderboardQuery = defineQuery<z.infer<typeof leaderboardRowSchema>[]>('leaderboard');
