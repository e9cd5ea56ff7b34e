import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../shared/project-paths';
import { isProcessAlive } from '../../../shared/process-group';
import { readLiveHostRecord, type HostRecord } from './host-record';

const START_TIMEOUT_MS = 30_000;

export interface EnsureHostOptions {
  /** The host exits with this process (tests); by default it outlives it, as endpoints should. */
  exitWithParent?: boolean;
}

/**
 * The running host of `home`, started in the background if there is none:
 * `ferry dev`, the demo, the tests and the local hosting client all call it,
 * so endpoints have an owner whoever deploys first.
 */
export async function ensureHost(
  home: string,
  options: EnsureHostOptions = {},
): Promise<HostRecord> {
  const running = await healthyHost(home);
  if (running) return running;
  mkdirSync(home, { recursive: true });
  const logFile = path.join(home, 'host.log');
  const out = openSync(logFile, 'a');
  // From the sources (tsx) or from a build, whichever this module was loaded from.
  const extension = path.extname(__filename);
  const args = [
    ...(extension === '.ts' ? ['-r', 'tsx/cjs'] : []),
    path.join(__dirname, `host-main${extension}`),
  ];
  if (options.exitWithParent) args.push('--exit-with-parent');
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, FERRY_HOME: home },
    // Its own session: a Ctrl-C meant for the demo must not take the endpoints down.
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const record = await healthyHost(home);
    if (record) return record;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Another process may have won the race to start it.
  const winner = await healthyHost(home);
  if (winner) return winner;
  throw new Error(
    `the Ferry host for ${home} did not start within ${START_TIMEOUT_MS / 1000} s; ` +
      `its log (${logFile}) ends with:\n${tail(logFile, 10)}`,
  );
}

async function healthyHost(home: string): Promise<HostRecord | undefined> {
  const record = readLiveHostRecord(home);
  if (!record) return undefined;
  try {
    const response = await fetch(`${record.url}/health`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? record : undefined;
  } catch {
    return undefined;
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Stops the host of `home`, if one runs; its endpoints stay in the store for the next host. */
export async function stopHost(home: string, timeoutMs = 15_000): Promise<boolean> {
  const record = readLiveHostRecord(home);
  if (!record) return false;
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isProcessAlive(record.pid)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (isProcessAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
  return true;
}
