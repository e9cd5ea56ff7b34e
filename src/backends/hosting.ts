/**
 * Hosting and auto scaling (DESIGN.md §3): endpoints that serve a registered
 * model version, and the policy that sizes them. The local backend runs
 * replica processes behind a router in a long-lived host process; the
 * SageMaker backend maps the same calls onto endpoints and Application Auto
 * Scaling. Every input and output is plain data, so it reads well in the
 * Temporal UI.
 */
import { z } from 'zod';
import { scalingFieldsSchema } from '../config/pipeline-schema';
import type { PollSchedule } from '../shared/poll-schedule';
import { FAILURE } from '../shared/failure-types';

/**
 * Target tracking on invocations per replica, as SageMaker's
 * SageMakerVariantInvocationsPerInstance: the pipeline's endpoint section
 * without its name, instance type and defaults.
 */
export const scalingPolicySchema = scalingFieldsSchema;
export type ScalingPolicy = z.infer<typeof scalingPolicySchema>;

/** The model an endpoint serves: a registry version and where its files are. */
export const endpointModelSchema = z.strictObject({
  group: z.string().min(1),
  version: z.number().int().min(1),
  algorithm: z.string().min(1),
  modelDir: z.string().min(1),
});
export type EndpointModel = z.infer<typeof endpointModelSchema>;

export const deployRequestSchema = z.strictObject({
  endpoint: z.string().min(1),
  /** Derived from the run id and step: deploying the same id twice is one deployment. */
  deploymentId: z.string().min(1),
  model: endpointModelSchema,
  policy: scalingPolicySchema,
});
export type DeployRequest = z.infer<typeof deployRequestSchema>;

export const endpointStatusSchema = z.enum(['Creating', 'Updating', 'InService', 'Failed']);
export type EndpointStatus = z.infer<typeof endpointStatusSchema>;

/** The model an endpoint says it serves: `modelDir` is '' when SageMaker no longer has the model. */
const servedModelSchema = z.object({ ...endpointModelSchema.shape, modelDir: z.string() });

export const deployedVersionSchema = z.object({
  deploymentId: z.string(),
  model: servedModelSchema,
  since: z.string(),
});
export type DeployedVersion = z.infer<typeof deployedVersionSchema>;

export const replicaStateSchema = z.enum(['starting', 'ready', 'draining']);
export type ReplicaState = z.infer<typeof replicaStateSchema>;

export const deploymentOutcomeSchema = z.object({
  deploymentId: z.string(),
  state: z.enum(['live', 'failed']),
  at: z.string(),
  reason: z.string().optional(),
});
export type DeploymentOutcome = z.infer<typeof deploymentOutcomeSchema>;

export const replicaDescriptionSchema = z.object({
  id: z.string(),
  deploymentId: z.string(),
  port: z.number().int(),
  pid: z.number().int(),
  state: replicaStateSchema,
  outstanding: z.number().int(),
});
export type ReplicaDescription = z.infer<typeof replicaDescriptionSchema>;

export const endpointDescriptionSchema = z.object({
  name: z.string(),
  status: endpointStatusSchema,
  url: z
    .string()
    .describe(
      "base URL of the endpoint's router: POST <url>/invocations, or the SageMaker Runtime path",
    ),
  current: deployedVersionSchema.optional(),
  /** What `current` replaced, for a rollback. */
  previous: deployedVersionSchema.optional(),
  /** A deployment whose replicas are starting (blue/green). */
  pending: deployedVersionSchema.optional(),
  replicas: z.array(replicaDescriptionSchema),
  desiredReplicas: z.number().int(),
  policy: scalingPolicySchema,
  /** Whether target tracking is on (configureAutoscaling); until then the size stays put. */
  autoscaling: z.boolean(),
  /** The last deployment that failed to start, kept until a later one succeeds. */
  lastFailure: z
    .object({ deploymentId: z.string(), reason: z.string(), at: z.string() })
    .optional(),
  /** How recent deployments ended, newest last: a deployment replaced since still shows as live. */
  recentDeployments: z.array(deploymentOutcomeSchema),
  createdAt: z.string(),
});
export type EndpointDescription = z.infer<typeof endpointDescriptionSchema>;

/** One change of an endpoint's size, as DescribeScalingActivities reports it. */
export const scalingActivitySchema = z.object({
  at: z.string(),
  endpoint: z.string(),
  fromReplicas: z.number().int(),
  toReplicas: z.number().int(),
  cause: z.string(),
});
export type ScalingActivity = z.infer<typeof scalingActivitySchema>;

/** What a rollback did: put the previous version back, or remove a first deployment. */
export const rollbackResultSchema = z.object({
  action: z.enum(['restored', 'removed', 'nothing-to-do']),
  endpoint: z.string(),
  restored: servedModelSchema.optional(),
});
export type RollbackResult = z.infer<typeof rollbackResultSchema>;

export interface Hosting {
  /** How often the deploy step describes an endpoint while it rolls out. */
  readonly rolloutPolling: PollSchedule;
  /** Creates or updates (blue/green) the endpoint; returns at once, `describe` shows progress. */
  deploy(request: DeployRequest): Promise<EndpointDescription>;
  describe(endpoint: string): Promise<EndpointDescription | undefined>;
  list(): Promise<EndpointDescription[]>;
  setScalingPolicy(endpoint: string, policy: ScalingPolicy): Promise<EndpointDescription>;
  /** Undoes `deploymentId` if it is still the endpoint's current version. */
  rollback(endpoint: string, deploymentId: string): Promise<RollbackResult>;
  delete(endpoint: string): Promise<boolean>;
  scalingActivities(endpoint: string, since?: string): Promise<ScalingActivity[]>;
}

/** The endpoint is busy with another deployment; like SageMaker's "cannot update in-progress endpoint", a retry later succeeds. */
export class EndpointBusy extends Error {
  override readonly name = 'EndpointBusy';
}

/** A hosting request that cannot succeed as asked (no retry will help); the name is the Temporal failure type. */
export class HostingError extends Error {
  override readonly name = FAILURE.hosting;
}
