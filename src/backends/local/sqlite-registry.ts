import path from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteFile } from './sqlite-file';
import {
  RegistryError,
  type ApprovalStatus,
  type Deployment,
  type Lineage,
  type RecordDeploymentInput,
  type RecordTrailInput,
  type SetPolicyInput,
  type ModelVersion,
  type RegisterVersionInput,
  type Registry,
  type SetStatusInput,
  type StatusChange,
} from '../registry';
import type { PolicyRecord } from '../../policy/approval-policy';
import type { ChainedTrailEntry } from '../../policy/decision-trail';
import type { PolicyInForce } from '../../policy/policy-in-force';
import { policyRecordOf } from '../../policy/policy-record';
import { entriesToAppend, trailConflictMessage } from '../../policy/trail-chain';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS model_versions (
  model_group  TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  status       TEXT    NOT NULL,
  metrics      TEXT    NOT NULL,
  lineage      TEXT    NOT NULL,
  tags         TEXT    NOT NULL,
  run_id       TEXT    NOT NULL,
  candidate_id TEXT    NOT NULL,
  created_at   TEXT    NOT NULL,
  policy       TEXT,
  PRIMARY KEY (model_group, version),
  UNIQUE (model_group, run_id, candidate_id)
);
CREATE TABLE IF NOT EXISTS status_changes (
  model_group TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  status      TEXT    NOT NULL,
  changed_by  TEXT    NOT NULL,
  changed_at  TEXT    NOT NULL,
  reason      TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS approval_policies (
  model_group TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  policy      TEXT    NOT NULL,
  set_by      TEXT    NOT NULL,
  set_at      TEXT    NOT NULL,
  sha256      TEXT    NOT NULL,
  PRIMARY KEY (model_group, revision)
);
CREATE TABLE IF NOT EXISTS decision_trail (
  model_group TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  entry       TEXT    NOT NULL,
  PRIMARY KEY (model_group, version, seq)
);
CREATE TABLE IF NOT EXISTS deployments (
  model_group TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  endpoint    TEXT    NOT NULL,
  action      TEXT    NOT NULL,
  at          TEXT    NOT NULL,
  detail      TEXT    NOT NULL
);
`;

/** Files made before deployments were recorded lack the column that makes recording idempotent. */
const DEPLOYMENT_ID_MIGRATION = `
ALTER TABLE deployments ADD COLUMN deployment_id TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS deployments_once ON deployments (deployment_id, action, model_group, version);
`;

/** Files made before approval policies lack the column that records a version's policy. */
const POLICY_MIGRATION = 'ALTER TABLE model_versions ADD COLUMN policy TEXT;';

interface PolicyRow {
  model_group: string;
  revision: number;
  policy: string;
  set_by: string;
  set_at: string;
  sha256: string;
}

interface VersionRow {
  model_group: string;
  version: number;
  status: ApprovalStatus;
  metrics: string;
  lineage: string;
  tags: string;
  created_at: string;
  policy: string | null;
}

/**
 * The local registry: one SQLite file under FERRY_HOME, shared by the worker
 * and the CLI (WAL mode; writers wait for each other instead of failing).
 * Versions are allocated inside an IMMEDIATE transaction, so concurrent runs
 * registering into one group get distinct, consecutive versions.
 */
export class SqliteRegistry implements Registry {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openSqliteFile(file, SCHEMA);
    const columns = this.db.pragma('table_info(deployments)') as { name: string }[];
    if (!columns.some((column) => column.name === 'deployment_id')) {
      this.db.exec(DEPLOYMENT_ID_MIGRATION);
    }
    const versionColumns = this.db.pragma('table_info(model_versions)') as { name: string }[];
    if (!versionColumns.some((column) => column.name === 'policy')) this.db.exec(POLICY_MIGRATION);
  }

  setPolicy(input: SetPolicyInput): Promise<PolicyRecord> {
    return this.settle(() =>
      this.db
        .transaction(() => {
          const { next } = this.db
            .prepare(
              'SELECT COALESCE(MAX(revision), 0) + 1 AS next FROM approval_policies WHERE model_group = ?',
            )
            .get(input.group) as { next: number };
          const record = policyRecordOf(
            input.group,
            next,
            input.policy,
            input.setBy,
            new Date().toISOString(),
          );
          this.db
            .prepare(
              'INSERT INTO approval_policies (model_group, revision, policy, set_by, set_at, sha256) VALUES (?, ?, ?, ?, ?, ?)',
            )
            .run(
              record.group,
              record.revision,
              JSON.stringify(record.policy),
              record.setBy,
              record.setAt,
              record.sha256,
            );
          return record;
        })
        .immediate(),
    );
  }

  getPolicy(group: string): Promise<PolicyRecord | undefined> {
    const row = this.db
      .prepare(
        'SELECT * FROM approval_policies WHERE model_group = ? ORDER BY revision DESC LIMIT 1',
      )
      .get(group) as PolicyRow | undefined;
    return Promise.resolve(row && toPolicyRecord(row));
  }

  listPolicyRevisions(group: string): Promise<PolicyRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM approval_policies WHERE model_group = ? ORDER BY revision')
      .all(group) as PolicyRow[];
    return Promise.resolve(rows.map(toPolicyRecord));
  }

  recordDecisionTrail(input: RecordTrailInput): Promise<ModelVersion> {
    return this.settle(() => {
      this.db
        .transaction(() => {
          const current = this.mustGet(input.group, input.version, 'its decision trail');
          const append = entriesToAppend(current.policy, current.decisionTrail, input.entries);
          if ('conflictAt' in append) {
            throw new RegistryError(
              trailConflictMessage(
                `model ${input.group} version ${input.version}`,
                append.conflictAt,
              ),
            );
          }
          const insert = this.db.prepare(
            'INSERT INTO decision_trail (model_group, version, seq, entry) VALUES (?, ?, ?, ?)',
          );
          for (const row of append.rows)
            insert.run(input.group, input.version, row.seq, JSON.stringify(row));
        })
        .immediate();
      return this.mustGet(input.group, input.version);
    });
  }

  /** Idempotent: the same deployment id, action and version are recorded once. */
  recordDeployment(input: RecordDeploymentInput): Promise<ModelVersion> {
    return this.settle(() => {
      const exists = this.db
        .prepare('SELECT 1 FROM model_versions WHERE model_group = ? AND version = ?')
        .get(input.group, input.version);
      if (!exists) throw new RegistryError(`model ${input.group} has no version ${input.version}`);
      this.db
        .prepare(
          'INSERT OR IGNORE INTO deployments (model_group, version, endpoint, action, at, detail, deployment_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          input.group,
          input.version,
          input.endpoint,
          input.action,
          new Date().toISOString(),
          input.detail,
          input.deploymentId,
        );
      return this.mustGet(input.group, input.version);
    });
  }

  registerVersion(input: RegisterVersionInput): Promise<ModelVersion> {
    const register = this.db.transaction((): { group: string; version: number } => {
      const existing = this.db
        .prepare(
          'SELECT version FROM model_versions WHERE model_group = ? AND run_id = ? AND candidate_id = ?',
        )
        .get(input.group, input.lineage.runId, input.lineage.candidateId) as
        { version: number } | undefined;
      if (existing) return { group: input.group, version: existing.version };
      const { next } = this.db
        .prepare(
          'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE model_group = ?',
        )
        .get(input.group) as { next: number };
      const now = new Date().toISOString();
      this.db
        .prepare(
          'INSERT INTO model_versions (model_group, version, status, metrics, lineage, tags, run_id, candidate_id, created_at, policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          input.group,
          next,
          'PendingManualApproval',
          JSON.stringify(input.metrics),
          JSON.stringify(input.lineage),
          JSON.stringify(input.tags ?? {}),
          input.lineage.runId,
          input.lineage.candidateId,
          now,
          JSON.stringify(input.policy),
        );
      this.insertStatusChange(input.group, next, {
        status: 'PendingManualApproval',
        by: input.registeredBy,
        at: now,
        reason: `registered by run ${input.lineage.runId}`,
      });
      return { group: input.group, version: next };
    });
    return this.settle(() => {
      const { group, version } = register.immediate();
      return this.mustGet(group, version);
    });
  }

  setStatus(input: SetStatusInput): Promise<ModelVersion> {
    return this.settle(() => {
      this.db
        .transaction(() => {
          const changed = this.db
            .prepare('UPDATE model_versions SET status = ? WHERE model_group = ? AND version = ?')
            .run(input.status, input.group, input.version);
          if (changed.changes === 0)
            throw new RegistryError(`model ${input.group} has no version ${input.version}`);
          this.insertStatusChange(input.group, input.version, {
            status: input.status,
            by: input.by,
            at: new Date().toISOString(),
            reason: input.reason,
          });
        })
        .immediate();
      return this.mustGet(input.group, input.version);
    });
  }

  getVersion(group: string, version: number): Promise<ModelVersion | undefined> {
    const row = this.db
      .prepare('SELECT * FROM model_versions WHERE model_group = ? AND version = ?')
      .get(group, version) as VersionRow | undefined;
    return Promise.resolve(row && this.toModelVersion(row));
  }

  listVersions(group: string): Promise<ModelVersion[]> {
    const rows = this.db
      .prepare('SELECT * FROM model_versions WHERE model_group = ? ORDER BY version')
      .all(group) as VersionRow[];
    return Promise.resolve(rows.map((row) => this.toModelVersion(row)));
  }

  listGroups(): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT DISTINCT model_group FROM model_versions ORDER BY model_group')
      .all() as { model_group: string }[];
    return Promise.resolve(rows.map((row) => row.model_group));
  }

  latestApproved(group: string): Promise<ModelVersion | undefined> {
    const row = this.db
      .prepare(
        "SELECT * FROM model_versions WHERE model_group = ? AND status = 'Approved' ORDER BY version DESC LIMIT 1",
      )
      .get(group) as VersionRow | undefined;
    return Promise.resolve(row && this.toModelVersion(row));
  }

  /** better-sqlite3 is synchronous; the interface is not (SageMaker's cannot be), so errors become rejections. */
  private settle<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  close(): void {
    this.db.close();
  }

  private insertStatusChange(group: string, version: number, change: StatusChange): void {
    this.db
      .prepare(
        'INSERT INTO status_changes (model_group, version, status, changed_by, changed_at, reason) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(group, version, change.status, change.by, change.at, change.reason);
  }

  private mustGet(group: string, version: number, forWhat?: string): ModelVersion {
    const row = this.db
      .prepare('SELECT * FROM model_versions WHERE model_group = ? AND version = ?')
      .get(group, version) as VersionRow | undefined;
    if (!row) {
      throw new RegistryError(
        `model ${group} has no version ${version}${forWhat ? `, so there is nowhere to keep ${forWhat}` : ''}`,
      );
    }
    return this.toModelVersion(row);
  }

  private toModelVersion(row: VersionRow): ModelVersion {
    const history = this.db
      .prepare(
        'SELECT status, changed_by AS "by", changed_at AS "at", reason FROM status_changes WHERE model_group = ? AND version = ? ORDER BY rowid',
      )
      .all(row.model_group, row.version) as StatusChange[];
    const deployments = this.db
      .prepare(
        'SELECT endpoint, action, at, detail, deployment_id AS "deploymentId" FROM deployments WHERE model_group = ? AND version = ? ORDER BY rowid',
      )
      .all(row.model_group, row.version) as Deployment[];
    const trail = this.db
      .prepare(
        'SELECT entry FROM decision_trail WHERE model_group = ? AND version = ? ORDER BY seq',
      )
      .all(row.model_group, row.version) as { entry: string }[];
    return {
      group: row.model_group,
      version: row.version,
      status: row.status,
      metrics: JSON.parse(row.metrics) as Record<string, number>,
      lineage: JSON.parse(row.lineage) as Lineage,
      tags: JSON.parse(row.tags) as Record<string, string>,
      createdAt: row.created_at,
      statusHistory: history,
      deployments,
      ...(row.policy === null ? {} : { policy: JSON.parse(row.policy) as PolicyInForce }),
      decisionTrail: trail.map(({ entry }) => JSON.parse(entry) as ChainedTrailEntry),
    };
  }
}

function toPolicyRecord(row: PolicyRow): PolicyRecord {
  return {
    group: row.model_group,
    revision: row.revision,
    policy: JSON.parse(row.policy) as PolicyRecord['policy'],
    setBy: row.set_by,
    setAt: row.set_at,
    sha256: row.sha256,
  };
}

/** The registry file of a Ferry home. */
export function localRegistryFile(home: string): string {
  return path.join(home, 'registry.db');
}
