import type { BackendTarget } from '../backends/backend-target';
import type { RollbackResult, ScalingPolicy } from '../backends/hosting';
import type { PipelineConfig } from '../config/pipeline-schema';
import type { LoadTestResult, SloVerdict } from '../loadtest/load-types';

/**
 * The shapes of steps 6 to 8 (deploy, auto scaling, load test, rollback,
 * report), shared by the workflow, the activities and the clients.
 */

/** The eight steps of DESIGN.md §2, as the report lists them. */
export const PIPELINE_STEPS = [
  'prepare',
  'train',
  'select',
  'register',
  'approve',
  'deploy',
  'loadTest',
  'report',
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

export interface StepRecord {
  step: PipelineStep;
  status: 'running' | 'done' | 'failed' | 'skipped';
  startedAt?: string;
  endedAt?: string;
  note?: string;
}

export interface VersionRef {
  group: string;
  version: number;
}

/** A run's deployment id: the same on every retry and replay, so a retried deploy is one deployment. */
export function deploymentIdOf(runId: string): string {
  return `${runId}-deploy`;
}

export interface DeployEndpointInput {
  runId: string;
  endpoint: string;
  model: VersionRef;
  policy: ScalingPolicy;
  backend?: BackendTarget;
}

export interface DeploymentSummary {
  endpoint: string;
  url: string;
  deploymentId: string;
  model: VersionRef & { algorithm: string };
  /** What the endpoint served before, if anything: where a rollback returns to. */
  previous?: VersionRef;
  replicas: number;
  deployedAt: string;
}

export interface ConfigureAutoscalingInput {
  endpoint: string;
  policy: ScalingPolicy;
  backend?: BackendTarget;
}

export interface AutoscalingSummary {
  endpoint: string;
  policy: ScalingPolicy;
  replicas: number;
}

export interface LoadTestEndpointInput {
  runId: string;
  endpoint: string;
  loadTest: PipelineConfig['loadTest'];
  /** The test split: the load test sends its rows, without the target column. */
  testChannel: string;
  target: string;
  backend?: BackendTarget;
}

export interface LoadTestOutcome {
  result: LoadTestResult;
  verdict: SloVerdict;
  /** One request and its answer, sent through the endpoint before the load. */
  sample: { contentType: string; request: string; response: string };
}

export interface RollbackEndpointInput {
  runId: string;
  endpoint: string;
  deploymentId: string;
  model: VersionRef;
  reason: string;
  backend?: BackendTarget;
}

export type RollbackSummary = RollbackResult & { reason: string };

export interface ReleaseSummary {
  deployment?: DeploymentSummary;
  autoscaling?: AutoscalingSummary;
  loadTest?: LoadTestOutcome;
  rollback?: RollbackSummary;
}

export interface ReportFiles {
  dir: string;
  json: string;
  markdown: string;
  html: string;
}
