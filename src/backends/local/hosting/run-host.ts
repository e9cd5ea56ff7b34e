import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { buildControlServer } from './control-server';
import {
  hostRecordFile,
  readLiveHostRecord,
  removeHostRecord,
  writeHostRecord,
  type HostRecord,
} from './host-record';
import { hostLog } from './host-log';
import { LocalHost } from './local-host';
import { isProcessAlive } from '../../../shared/process-group';

export interface RunHostOptions {
  home: string;
  /** Where routers and the control API listen (127.0.0.1 unless configured). */
  bindHost?: string;
  /** Exit when the parent process goes away (tests, `ferry dev` in the foreground). */
  exitWithParent?: boolean;
  /** Lines for a person (`ferry host` in a terminal); the structured log goes to stderr either way. */
  log?: (line: string) => void;
}

/**
 * `ferry host`: serves this home's endpoints until SIGTERM or SIGINT, then
 * stops its replicas and leaves the endpoints in the store for the next host.
 */
export async function runHost(options: RunHostOptions): Promise<HostRecord> {
  const log = options.log ?? ((line: string) => console.log(line));
  const bindHost = options.bindHost ?? process.env.FERRY_BIND_HOST ?? '127.0.0.1';
  const releaseLock = await takeHostLock(options.home);
  const host = await LocalHost.open(options.home, bindHost);
  const token = randomBytes(24).toString('hex');
  const app = buildControlServer(host, token);
  const url = await app.listen({ host: bindHost, port: Number(process.env.FERRY_HOST_PORT ?? 0) });
  const record = { pid: process.pid, url, token, startedAt: new Date().toISOString() };
  await writeHostRecord(options.home, record);
  const restored = host.list();
  log(`ferry host: control API on ${url}; ${restored.length} endpoint(s) restored`);
  for (const endpoint of restored) log(`  ${endpoint.name}  ${endpoint.url}`);
  hostLog().info(
    { home: options.home, controlUrl: url, endpoints: restored.map((e) => e.name) },
    'host serving',
  );

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    hostLog().info({ why }, 'host stopping; endpoints stay in the store for the next host');
    await app.close();
    await host.close();
    removeHostRecord(options.home, process.pid);
    releaseLock();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  if (options.exitWithParent) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void stop(`parent ${parent} exited`);
    }, 500);
  }
  return record;
}

/**
 * One host per home: two would fight over the same endpoints and ports. The
 * lock file holds the owner's pid; a lock whose owner is gone is taken over.
 */
async function takeHostLock(home: string): Promise<() => void> {
  mkdirSync(home, { recursive: true });
  const lockFile = path.join(home, 'host.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8'));
      if (await isHeldBy(home, lockFile, owner)) {
        const running = readLiveHostRecord(home);
        throw new Error(
          `a Ferry host already runs for ${home} (pid ${owner}${running ? `, ${running.url}` : ''}); ` +
            `use it, or stop it first (kill ${owner}); its record is ${hostRecordFile(home)}`,
          { cause: error },
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not take ${lockFile}; remove it if no \`ferry host\` runs`);
}

/** Time a starting host has to answer on its control API before its lock counts as stale. */
const STARTING_GRACE_MS = 15_000;

/**
 * A live pid is not enough: after a restart (a container's, say) the old
 * host's pid may belong to another process. The owner holds the lock if it
 * is starting, or if the host recorded under its pid answers with that pid.
 */
async function isHeldBy(home: string, lockFile: string, owner: number): Promise<boolean> {
  if (!(owner > 0 && isProcessAlive(owner))) return false;
  if (Date.now() - statSync(lockFile).mtimeMs < STARTING_GRACE_MS) return true;
  const record = readLiveHostRecord(home);
  if (record?.pid !== owner) return false;
  try {
    const response = await fetch(`${record.url}/health`, { signal: AbortSignal.timeout(2000) });
    const health = (await response.json()) as { pid?: number };
    return health.pid === owner;
  } catch {
    return false;
  }
}
