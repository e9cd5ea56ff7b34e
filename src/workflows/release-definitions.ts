import { z } from 'zod';
import { backendTargetSchema } from '../backends/backend-target';
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
 * The id of the release workflow that holds `endpoint` for one Ferry
 * deployment (its task queue). Temporal runs at most one open workflow per
 * id, so at most one release writes to an endpoint at a time.
 */
export function releaseWorkflowIdOf(taskQueue: string, endpoint: string): string {
  return `ferry-release/${taskQueue}/${endpoint}`;
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
    deployment: deploymentSummarySchema.optional(),
    autoscaling: autoscalingSummarySchema.optional(),
    loadTest: loadTestOutcomeSchema.optional(),
    rollback: rollbackSummarySchema.optional(),
  })
  .meta({ id: 'ReleaseSummary' });
export type ReleaseSummary = z.infer<typeof releaseSummarySchema>;

export const reportFilesSchema = z.object({
  dir: z.string(),
  json: z.string(),
  markdown: z.string(),
  html: z.string(),
});
export type ReportFiles = z.infer<typeof reportFilesSchema>;
