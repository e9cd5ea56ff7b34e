import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isProcessGroupAlive } from '../shared/process-group';

/**
 * `ferry dev` writes where its server listens, so other ferry commands in
 * other terminals find it without TEMPORAL_ADDRESS, and a second `ferry dev`
 * does not start a rival server on the same database.
 */
export interface DevServerRecord {
  address: string;
  uiUrl?: string;
  /** The `ferry dev` process that owns the server. */
  ownerPid: number;
  serverPid: number;
}

function recordFile(home: string): string {
  return path.join(home, 'dev-server.json');
}

export function writeDevServerRecord(home: string, record: DevServerRecord): void {
  writeFileSync(recordFile(home), `${JSON.stringify(record, null, 2)}\n`);
}

/** The record of a `ferry dev` that is still running, or undefined (stale records are ignored). */
export function readLiveDevServerRecord(home: string): DevServerRecord | undefined {
  let record: DevServerRecord;
  try {
    record = JSON.parse(readFileSync(recordFile(home), 'utf8')) as DevServerRecord;
  } catch {
    return undefined;
  }
  return isProcessGroupAlive(record.serverPid) ? record : undefined;
}

export function removeDevServerRecord(home: string): void {
  rmSync(recordFile(home), { force: true });
}
