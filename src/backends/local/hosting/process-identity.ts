import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Who a pid is, beyond the number: when it started (which no later process
 * of the same pid can share) and its process group. A host ends a replica
 * recorded by the host before it only if both pid and start still match, so
 * a pid reused by some other program is never signalled.
 */
export interface ProcessIdentity {
  /** Boot and start time on Linux (clock ticks); `ps`'s start time elsewhere. */
  startId: string;
  pgid: number;
}

/** The identity of a running process, or undefined if there is none with that pid. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  if (!(Number.isInteger(pid) && pid > 0)) return undefined;
  return process.platform === 'linux' ? fromProc(pid) : fromPs(pid);
}

function fromProc(pid: number): ProcessIdentity | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // proc(5): field 3 is the state, 5 the process group, 22 the start time.
  const [state, pgid, startTicks] = [fields[0], Number(fields[2]), fields[19]];
  if (state === 'Z' || !startTicks) return undefined; // a zombie is already gone
  return { startId: `${bootId()}:${startTicks}`, pgid };
}

/** Start times count from boot, so the boot says which clock they are on. */
let cachedBootId: string | undefined;
function bootId(): string {
  try {
    cachedBootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    cachedBootId = 'unknown-boot';
  }
  return cachedBootId;
}

function fromPs(pid: number): ProcessIdentity | undefined {
  try {
    // `lstart` is a fixed-width date (to the second); `pgid` comes first as it has no spaces.
    const line = execFileSync('ps', ['-o', 'pgid=', '-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const match = /^(\d+)\s+(.+)$/.exec(line);
    return match ? { startId: `ps:${match[2]}`, pgid: Number(match[1]) } : undefined;
  } catch {
    return undefined; // ps exits 1 when there is no such process
  }
}
