import type Database from 'better-sqlite3';
import { openSqliteFile } from '../sqlite-file';
import type { DeployedVersion, ScalingActivity, ScalingPolicy } from '../../hosting';

/**
 * What the host must remember to bring an endpoint back after a restart, kept
 * in the registry's SQLite file (DESIGN.md §3: one file for local state).
 */
export interface StoredEndpoint {
  name: string;
  port: number;
  policy: ScalingPolicy;
  current: DeployedVersion;
  previous?: DeployedVersion;
  desiredReplicas: number;
  createdAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS endpoints (
  name       TEXT PRIMARY KEY,
  state      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scaling_activities (
  endpoint      TEXT    NOT NULL,
  at            TEXT    NOT NULL,
  from_replicas INTEGER NOT NULL,
  to_replicas   INTEGER NOT NULL,
  cause         TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS scaling_activities_by_endpoint ON scaling_activities (endpoint, at);
CREATE TABLE IF NOT EXISTS replica_processes (
  pid         INTEGER PRIMARY KEY,
  start_id    TEXT NOT NULL,
  endpoint    TEXT NOT NULL,
  replica     TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
`;

/**
 * A replica process a host started and has not yet seen exit: if the host
 * dies first, the next host ends it (stray-replicas.ts) before restoring.
 */
export interface RecordedReplica {
  pid: number;
  /** The process's start (process-identity.ts): proof that `pid` is still this replica. */
  startId: string;
  endpoint: string;
  replica: string;
}

export class EndpointStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openSqliteFile(file, SCHEMA);
  }

  save(endpoint: StoredEndpoint): void {
    this.db
      .prepare(
        `INSERT INTO endpoints (name, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      )
      .run(endpoint.name, JSON.stringify(endpoint), new Date().toISOString());
  }

  remove(name: string): void {
    this.db.prepare('DELETE FROM endpoints WHERE name = ?').run(name);
  }

  all(): StoredEndpoint[] {
    const rows = this.db.prepare('SELECT state FROM endpoints ORDER BY name').all() as {
      state: string;
    }[];
    return rows.map((row) => JSON.parse(row.state) as StoredEndpoint);
  }

  addActivity(activity: ScalingActivity): void {
    this.db
      .prepare(
        'INSERT INTO scaling_activities (endpoint, at, from_replicas, to_replicas, cause) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        activity.endpoint,
        activity.at,
        activity.fromReplicas,
        activity.toReplicas,
        activity.cause,
      );
  }

  activities(endpoint: string, since = ''): ScalingActivity[] {
    const rows = this.db
      .prepare(
        `SELECT endpoint, at, from_replicas, to_replicas, cause FROM scaling_activities
         WHERE endpoint = ? AND at >= ? ORDER BY at, rowid`,
      )
      .all(endpoint, since) as {
      endpoint: string;
      at: string;
      from_replicas: number;
      to_replicas: number;
      cause: string;
    }[];
    return rows.map((row) => ({
      endpoint: row.endpoint,
      at: row.at,
      fromReplicas: row.from_replicas,
      toReplicas: row.to_replicas,
      cause: row.cause,
    }));
  }

  recordReplica(replica: RecordedReplica): void {
    // A replica may still start or exit while its host closes: nothing is left to record then.
    if (!this.db.open) return;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO replica_processes (pid, start_id, endpoint, replica, recorded_at)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(
        replica.pid,
        replica.startId,
        replica.endpoint,
        replica.replica,
        new Date().toISOString(),
      );
  }

  forgetReplica(pid: number): void {
    if (!this.db.open) return;
    this.db.prepare('DELETE FROM replica_processes WHERE pid = ?').run(pid);
  }

  recordedReplicas(): RecordedReplica[] {
    return this.db
      .prepare(
        'SELECT pid, start_id AS startId, endpoint, replica FROM replica_processes ORDER BY pid',
      )
      .all() as RecordedReplica[];
  }

  close(): void {
    this.db.close();
  }
}
