import { FAILURE } from '../shared/failure-types';
/**
 * The model registry (DESIGN.md §3): model groups, versions 1..n, approval
 * status with its history, metrics, lineage, tags and deployments. The local
 * backend keeps it in SQLite, the SageMaker backend in Model Package Groups.
 * Status names are SageMaker's.
 */
export type ApprovalStatus = 'PendingManualApproval' | 'Approved' | 'Rejected';

export interface Lineage {
  runId: string;
  candidateId: string;
  algorithm: string;
  hyperparameters: Record<string, number>;
  datasetFingerprint: string;
  configHash: string;
  artifactPath: string;
  artifactSha256: string;
}

export interface StatusChange {
  status: ApprovalStatus;
  by: string;
  at: string;
  reason: string;
}

/** One move of a version on an endpoint, as the deployment history shows it. */
export type DeploymentAction = 'deployed' | 'rolled-back' | 'restored' | 'removed';

export interface Deployment {
  endpoint: string;
  action: DeploymentAction;
  at: string;
  detail: string;
  deploymentId: string | null;
}

export interface RecordDeploymentInput {
  group: string;
  version: number;
  endpoint: string;
  action: DeploymentAction;
  deploymentId: string;
  detail: string;
}

export interface ModelVersion {
  group: string;
  version: number;
  status: ApprovalStatus;
  metrics: Record<string, number>;
  lineage: Lineage;
  tags: Record<string, string>;
  createdAt: string;
  statusHistory: StatusChange[];
  deployments: Deployment[];
}

export interface RegisterVersionInput {
  group: string;
  metrics: Record<string, number>;
  lineage: Lineage;
  tags?: Record<string, string>;
  registeredBy: string;
}

export interface SetStatusInput {
  group: string;
  version: number;
  status: ApprovalStatus;
  by: string;
  reason: string;
}

export interface Registry {
  /**
   * Registers a version as PendingManualApproval. Idempotent: the same run and
   * candidate give back the version they already have.
   */
  registerVersion(input: RegisterVersionInput): Promise<ModelVersion>;
  setStatus(input: SetStatusInput): Promise<ModelVersion>;
  getVersion(group: string, version: number): Promise<ModelVersion | undefined>;
  listVersions(group: string): Promise<ModelVersion[]>;
  latestApproved(group: string): Promise<ModelVersion | undefined>;
  /** Adds to a version's deployment history; recording the same move twice adds it once. */
  recordDeployment(input: RecordDeploymentInput): Promise<ModelVersion>;
}

/** A registry request that cannot succeed as asked; its name is the Temporal failure type. */
export class RegistryError extends Error {
  override readonly name = FAILURE.registry;
}
