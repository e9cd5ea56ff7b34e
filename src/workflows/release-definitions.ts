import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import {
  backendTargetSchema,
  type BackendChoice,
  type BackendTarget,
} from '../backends/backend-target';
import { approvalStatusSchema } from '../backends/registry';
import {
  endpointModelSchema,
  rollbackResultSchema,
  scalingPolicySchema,
} from '../backends/hosting';
import { datasetTargetSchema, loadTestSchema } from '../config/pipeline-schema';
import { loadTestResultSchema, sloVerdictSchema } from '../loadtest/load-types';

/**
 * The shapes of steps 6 to 8 (deploy, auto scaling, load test, rollback,
 * report), shared by the workflow, the activities and the clients, each a
 * zod schema with its type inferred from it.
 */

/** The eight steps of DESIGN.md §2, in order. */
export const pipelineStepSchema = z.enum([
  'prepare',
  'train',
  'select',
  'register',
  'approve',
  'deploy',
  'loadTest',
  'report',
]);
export type PipelineStep = z.infer<typeof pipelineStepSchema>;
export const PIPELINE_STEPS: readonly PipelineStep[] = pipelineStepSchema.options;

export const stepRecordSchema = z
  .object({
    step: pipelineStepSchema,
    status: z.enum(['running', 'done', 'failed', 'skipped']),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    note: z.string().optional(),
  })
  .meta({ id: 'StepRecord' });
export type StepRecord = z.infer<typeof stepRecordSchema>;

export const versionRefSchema = z.object({ group: z.string(), version: z.number().int() });
export type VersionRef = z.infer<typeof versionRefSchema>;

/** A run's deployment id: the same on every retry and replay, so a retried deploy is one deployment. */
export function deploymentIdOf(runId: string): string {
  return `${runId}-deploy`;
}

/**
 * The id of the release workflow that holds `endpoint` on its backend (the
 * local host, or SageMaker in one region). Temporal runs at most one open
 * workflow per id in a namespace, so at most one release writes to an
 * endpoint at a time. It is built from the run's own input alone, so it
 * replays: two Ferry installations that share a namespace and an endpoint
 * name are serialised together, which costs waiting, never safety.
 */
export function releaseWorkflowIdOf(backend: BackendTarget | undefined, endpoint: string): string {
  return releaseWorkflowIdIn(
    backend ? { backend: 'sagemaker', region: backend.sagemaker.region } : { backend: 'local' },
    endpoint,
  );
}

/** The same id from a backend named by kind and region (`ferry reconcile` knows no more). */
export function releaseWorkflowIdIn(choice: BackendChoice, endpoint: string): string {
  const where =
    choice.backend === 'sagemaker' ? `sagemaker/${choice.region ?? 'default-region'}` : 'local';
  return `ferry-release/${where}/${endpoint}`;
}

/** Which backend does the work; absent for the local backend. */
const backend = backendTargetSchema.optional();

export const deployEndpointInputSchema = z.object({
  runId: z.string(),
  endpoint: z.string(),
  model: versionRefSchema,
  policy: scalingPolicySchema,
  backend,
});
export type DeployEndpointInput = z.infer<typeof deployEndpointInputSchema>;

export const deploymentSummarySchema = z.object({
  endpoint: z.string(),
  url: z.string(),
  deploymentId: z.string(),
  model: versionRefSchema.extend({ algorithm: endpointModelSchema.shape.algorithm }),
  /** What the endpoint served before, if anything: where a rollback returns to. */
  previous: versionRefSchema.optional(),
  replicas: z.number().int(),
  deployedAt: z.string(),
});
export type DeploymentSummary = z.infer<typeof deploymentSummarySchema>;

export const configureAutoscalingInputSchema = z.object({
  endpoint: z.string(),
  policy: scalingPolicySchema,
  backend,
});
export type ConfigureAutoscalingInput = z.infer<typeof configureAutoscalingInputSchema>;

export const autoscalingSummarySchema = z.object({
  endpoint: z.string(),
  policy: scalingPolicySchema,
  replicas: z.number().int(),
});
export type AutoscalingSummary = z.infer<typeof autoscalingSummarySchema>;

export const loadTestEndpointInputSchema = z.object({
  runId: z.string(),
  endpoint: z.string(),
  loadTest: loadTestSchema,
  /**
   * The validation split: the load test sends its first row, without the
   * target column (the test split is kept for the chosen model's score).
   */
  sampleChannel: z.string(),
  target: datasetTargetSchema.shape.target,
  backend,
});
export type LoadTestEndpointInput = z.output<typeof loadTestEndpointInputSchema>;

export const loadTestOutcomeSchema = z.object({
  result: loadTestResultSchema,
  verdict: sloVerdictSchema,
  /** One request and its answer, sent through the endpoint before the load. */
  sample: z.object({ contentType: z.string(), request: z.string(), response: z.string() }),
});
export type LoadTestOutcome = z.infer<typeof loadTestOutcomeSchema>;

export const rollbackEndpointInputSchema = z.object({
  runId: z.string(),
  endpoint: z.string(),
  deploymentId: z.string(),
  model: versionRefSchema,
  reason: z.string(),
  backend,
});
export type RollbackEndpointInput = z.infer<typeof rollbackEndpointInputSchema>;

export const rollbackSummarySchema = rollbackResultSchema.extend({ reason: z.string() });
export type RollbackSummary = z.infer<typeof rollbackSummarySchema>;

export const releaseSummarySchema = z
  .object({
    /** While another release holds the endpoint: who, and since when this run waits. */
    waitingFor: z
      .object({ endpoint: z.string(), holder: z.string(), since: z.string() })
      .optional(),
    deployment: deploymentSummarySchema.optional(),
    autoscaling: autoscalingSummarySchema.optional(),
    loadTest: loadTestOutcomeSchema.optional(),
    rollback: rollbackSummarySchema.optional(),
    /** What failed, when the release did not end with a verdict (deploy, scaling, the load test, a cancellation). */
    failure: z.string().optional(),
    /** The version's status once compensation rejected it. */
    versionStatus: approvalStatusSchema.optional(),
    /** Why the compensation (rollback, then rejection) failed too; `ferry reconcile` repairs what it left. */
    compensationFailure: z.string().optional(),
  })
  .meta({ id: 'ReleaseSummary' });
export type ReleaseSummary = z.infer<typeof releaseSummarySchema>;

/** The memo key of a release workflow that names who holds the endpoint. */
export const RELEASE_HOLDER_MEMO = 'holder';

/**
 * What the release workflow takes: one approved version onto one endpoint,
 * load-tested against the SLO, rolled back and rejected on any failure.
 */
export const releaseInputSchema = z.object({
  /** The run whose version this is (its deployment id derives from it). */
  runId: z.string(),
  endpoint: z.string(),
  model: versionRefSchema,
  policy: scalingPolicySchema,
  loadTest: loadTestSchema,
  /** The rows the load test sends (the validation split of the run that trained the version). */
  sampleChannel: z.string(),
  target: datasetTargetSchema.shape.target,
  /** How long compensation may wait for the endpoint to settle (the pipeline's endpoint.rollbackTimeout). */
  rollbackTimeout: z.string(),
  backend,
});
export type ReleaseInput = z.output<typeof releaseInputSchema>;

/** Where a release is, as the run that asked for it shows it. */
export const releaseStageSchema = z.enum(['deploying', 'scaling', 'load-testing', 'rolling-back']);
export type ReleaseStage = z.infer<typeof releaseStageSchema>;

export const releaseProgressSchema = z.object({
  stage: releaseStageSchema,
  release: releaseSummarySchema,
});
export type ReleaseProgress = z.infer<typeof releaseProgressSchema>;

export const releaseResultSchema = z.object({
  outcome: z.enum(['deployed', 'rolled-back']),
  release: releaseSummarySchema,
  /** The version's status once the release ended: Approved if it serves, Rejected if rolled back. */
  status: approvalStatusSchema,
  reason: z.string().optional(),
});
export type ReleaseResult = z.infer<typeof releaseResultSchema>;

/** The release workflow tells the run that started it where it is, so the run's summary stays live. */
export const releaseProgressSignal = defineSignal<[ReleaseProgress]>('releaseProgress');
export const releaseQuery = defineQuery<ReleaseProgress | undefined>('release');

export const reportFilesSchema = z.object({
  dir: z.string(),
  json: z.string(),
  markdown: z.string(),
  html: z.string(),
});
export type ReportFiles = z.infer<typeof reportFilesSchema>;
