/**
 * Hosting and auto scaling (DESIGN.md §3): endpoints that serve a registered
 * model version, and the policy that sizes them. The local backend runs
 * replica processes behind a router in a long-lived host process; the
 * SageMaker backend maps the same calls onto endpoints and Application Auto
 * Scaling. Every input and output is plain data, so it reads well in the
 * Temporal UI.
 */
import { z } from 'zod';
import type { PollSchedule } from '../shared/poll-schedule';
import { FAILURE } from '../shared/failure-types';

/** Target tracking on invocations per replica, as SageMaker's SageMakerVariantInvocationsPerInstance. */
export const scalingPolicySchema = z.strictObject({
  minReplicas: z.number().int().min(0),
  maxReplicas: z.number().int().min(1),
  /** Invocations per replica per metric window that the policy aims for. */
  targetInvocationsPerReplica: z.number().gt(0),
  metricWindowSeconds: z.number().int().min(1),
  scaleOutCooldownSeconds: z.number().int().min(0),
  scaleInCooldownSeconds: z.number().int().min(0),
  /** How long a request to an endpoint scaled to zero waits for a replica. */
  coldStartTimeoutSeconds: z.number().int().min(1),
});
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

export type EndpointStatus = 'Creating' | 'Updating' | 'InService' | 'Failed';

export interface DeployedVersion {
  deploymentId: string;
  model: EndpointModel;
  since: string;
}

export type ReplicaState = 'starting' | 'ready' | 'draining';

export interface DeploymentOutcome {
  deploymentId: string;
  state: 'live' | 'failed';
  at: string;
  reason?: string;
}

export interface ReplicaDescription {
  id: string;
  deploymentId: string;
  port: number;
  pid: number;
  state: ReplicaState;
  outstanding: number;
}

export interface EndpointDescription {
  name: string;
  status: EndpointStatus;
  /** Base URL of the endpoint's router; `POST <url>/invocations` or the SageMaker Runtime path. */
  url: string;
  current?: DeployedVersion;
  /** What `current` replaced, for a rollback. */
  previous?: DeployedVersion;
  /** A deployment whose replicas are starting (blue/green). */
  pending?: DeployedVersion;
  replicas: ReplicaDescription[];
  desiredReplicas: number;
  policy: ScalingPolicy;
  /** Whether target tracking is on (configureAutoscaling); until then the size stays put. */
  autoscaling: boolean;
  /** The last deployment that failed to start, kept until a later one succeeds. */
  lastFailure?: { deploymentId: string; reason: string; at: string };
  /** How recent deployments ended, newest last: a deployment replaced since still shows as live. */
  recentDeployments: DeploymentOutcome[];
  createdAt: string;
}

/** One change of an endpoint's size, as DescribeScalingActivities reports it. */
export interface ScalingActivity {
  at: string;
  endpoint: string;
  fromReplicas: number;
  toReplicas: number;
  cause: string;
}

/** What a rollback did: put the previous version back, or remove a first deployment. */
export interface RollbackResult {
  action: 'restored' | 'removed' | 'nothing-to-do';
  endpoint: string;
  restored?: EndpointModel;
}

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
