import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../../shared/atomic-write';
import { isProcessAlive } from '../../../shared/process-group';

/**
 * Where a running `ferry host` listens and the token its control API wants.
 * The file is readable by its owner only: the token is what stops another
 * local user from deploying to or deleting this home's endpoints.
 */
export interface HostRecord {
  pid: number;
  url: string;
  token: string;
  startedAt: string;
}

export function hostRecordFile(home: string): string {
  return path.join(home, 'host.json');
}

export async function writeHostRecord(home: string, record: HostRecord): Promise<void> {
  await writeFileAtomic(hostRecordFile(home), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

/** The record of a host whose process still runs, or undefined (stale records are ignored). */
export function readLiveHostRecord(home: string): HostRecord | undefined {
  let record: HostRecord;
  try {
    record = JSON.parse(readFileSync(hostRecordFile(home), 'utf8')) as HostRecord;
  } catch {
    return undefined;
  }
  return isProcessAlive(record.pid) ? record : undefined;
}

/** Removes the record only if it is this process's own (a newer host may have replaced it). */
export function removeHostRecord(home: string, pid: number): void {
  try {
    const record = JSON.parse(readFileSync(hostRecordFile(home), 'utf8')) as HostRecord;
    if (record.pid === pid) rmSync(hostRecordFile(home), { force: true });
  } catch {
    // No record, nothing to remove.
  }
}
