import { FAILURE } from '../shared/failure-types';
/**
 * The model registry (DESIGN.md §3): model groups, versions 1..n, approval
 * status with its history, metrics, lineage, tags and deployments. The local
 * backend keeps it in SQLite, the SageMaker backend in Model Package Groups.
 * Status names are SageMaker's.
 */
import { z } from 'zod';
import { approvalPolicySchema, type PolicyRecord } from '../policy/approval-policy';
import { chainedTrailEntrySchema, decisionTrailEntrySchema } from '../policy/decision-trail';
import { policyInForceSchema } from '../policy/policy-in-force';

export const approvalStatusSchema = z.enum(['PendingManualApproval', 'Approved', 'Rejected']);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

export const lineageSchema = z.object({
  runId: z.string(),
  candidateId: z.string(),
  algorithm: z.string(),
  hyperparameters: z.record(z.string(), z.number()),
  datasetFingerprint: z.string(),
  configHash: z.string(),
  artifactPath: z.string(),
  artifactSha256: z.string(),
  /** What the registered model was trained on: the train split, or train + validation (a refit). */
  trainedOn: z.enum(['train', 'train+validation']).optional(),
  trainingRows: z.number().int().optional(),
  /** How the configuration was chosen, e.g. "5-fold cross-validation on train + validation (5,950 rows)". */
  selectedBy: z.string().optional(),
  /** Its ranking score on the objective (validation or CV mean), beside the test metrics the version holds. */
  rankingScore: z.record(z.string(), z.number()).optional(),
  testRows: z.number().int().optional(),
  /** An ensemble's members (candidate ids) and their weights; the artifact holds them all. */
  members: z.array(z.object({ id: z.string(), weight: z.number() })).optional(),
});
export type Lineage = z.infer<typeof lineageSchema>;

export const statusChangeSchema = z.object({
  status: approvalStatusSchema,
  by: z.string(),
  at: z.string(),
  reason: z.string(),
});
export type StatusChange = z.infer<typeof statusChangeSchema>;

/** One move of a version on an endpoint, as the deployment history shows it. */
export const deploymentActionSchema = z.enum(['deployed', 'rolled-back', 'restored', 'removed']);
export type DeploymentAction = z.infer<typeof deploymentActionSchema>;

export const deploymentSchema = z.object({
  endpoint: z.string(),
  action: deploymentActionSchema,
  at: z.string(),
  detail: z.string(),
  deploymentId: z.string().nullable(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const recordDeploymentInputSchema = z.strictObject({
  group: z.string().min(1),
  version: z.number().int().min(1),
  endpoint: z.string().min(1),
  action: deploymentActionSchema,
  deploymentId: z.string().min(1),
  detail: z.string(),
});
export type RecordDeploymentInput = z.infer<typeof recordDeploymentInputSchema>;

export const modelVersionSchema = z.object({
  group: z.string(),
  version: z.number().int().min(1),
  status: approvalStatusSchema,
  metrics: z.record(z.string(), z.number()),
  lineage: lineageSchema,
  tags: z.record(z.string(), z.string()),
  createdAt: z.string(),
  statusHistory: z.array(statusChangeSchema),
  deployments: z.array(deploymentSchema),
  /** The approval policy the version was registered under. */
  policy: policyInForceSchema.optional(),
  /** Its decisions, hash-chained from the policy (`ferry models audit` re-verifies them). */
  decisionTrail: z.array(chainedTrailEntrySchema),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

export const registerVersionInputSchema = z.strictObject({
  group: z.string().min(1),
  metrics: z.record(z.string(), z.number()),
  lineage: lineageSchema,
  tags: z.record(z.string(), z.string()).optional(),
  registeredBy: z.string(),
  /** The approval policy in force for the run that registers it (a run always has one). */
  policy: policyInForceSchema.optional(),
});
export type RegisterVersionInput = z.infer<typeof registerVersionInputSchema>;

export const setStatusInputSchema = z.strictObject({
  group: z.string().min(1),
  version: z.number().int().min(1),
  status: approvalStatusSchema,
  by: z.string(),
  reason: z.string(),
});
export type SetStatusInput = z.infer<typeof setStatusInputSchema>;

export const recordTrailInputSchema = z.strictObject({
  group: z.string().min(1),
  version: z.number().int().min(1),
  entries: z.array(decisionTrailEntrySchema),
});
export type RecordTrailInput = z.infer<typeof recordTrailInputSchema>;

export const setPolicyInputSchema = z.strictObject({
  group: z.string().min(1),
  policy: approvalPolicySchema,
  setBy: z.string().min(1),
});
export type SetPolicyInput = z.output<typeof setPolicyInputSchema>;

export interface Registry {
  /**
   * Registers a version as PendingManualApproval. Idempotent: the same run and
   * candidate give back the version they already have.
   */
  registerVersion(input: RegisterVersionInput): Promise<ModelVersion>;
  setStatus(input: SetStatusInput): Promise<ModelVersion>;
  getVersion(group: string, version: number): Promise<ModelVersion | undefined>;
  listVersions(group: string): Promise<ModelVersion[]>;
  /** Every model group that has versions, by name (`ferry reconcile` walks them all). */
  listGroups(): Promise<string[]>;
  latestApproved(group: string): Promise<ModelVersion | undefined>;
  /** Adds to a version's deployment history; recording the same move twice adds it once. */
  recordDeployment(input: RecordDeploymentInput): Promise<ModelVersion>;
  /**
   * Stores a version's decision trail, chained from its policy. Idempotent,
   * and append-only: the entries stored already must begin the new list.
   */
  recordDecisionTrail(input: RecordTrailInput): Promise<ModelVersion>;
  /** A new revision of the group's approval policy; earlier ones are kept. */
  setPolicy(input: SetPolicyInput): Promise<PolicyRecord>;
  /** The group's current policy; undefined when it has none. */
  getPolicy(group: string): Promise<PolicyRecord | undefined>;
  /** Every revision of the group's policy, oldest first. */
  listPolicyRevisions(group: string): Promise<PolicyRecord[]>;
}

/** A registry request that cannot succeed as asked; its name is the Temporal failure type. */
export class RegistryError extends Error {
  override readonly name = FAILURE.registry;
}
