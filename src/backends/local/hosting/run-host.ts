import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { buildControlServer } from './control-server';
import {
  hostRecordFile,
  readLiveHostRecord,
  removeHostRecord,
  writeHostRecord,
  type HostRecord,
} from './host-record';
import { LocalHost } from './local-host';
import { isProcessAlive } from '../../../temporal/process-group';

export interface RunHostOptions {
  home: string;
  /** Where routers and the control API listen (127.0.0.1 unless configured). */
  bindHost?: string;
  /** Exit when the parent process goes away (tests, `ferry dev` in the foreground). */
  exitWithParent?: boolean;
  log?: (line: string) => void;
}

/**
 * `ferry host`: serves this home's endpoints until SIGTERM or SIGINT, then
 * stops its replicas and leaves the endpoints in the store for the next host.
 */
export async function runHost(options: RunHostOptions): Promise<HostRecord> {
  const log = options.log ?? ((line: string) => console.log(line));
  const bindHost = options.bindHost ?? process.env.FERRY_BIND_HOST ?? '127.0.0.1';
  const releaseLock = takeHostLock(options.home);
  const host = await LocalHost.open(options.home, bindHost);
  const token = randomBytes(24).toString('hex');
  const app = buildControlServer(host, token);
  const url = await app.listen({ host: bindHost, port: Number(process.env.FERRY_HOST_PORT ?? 0) });
  const record = { pid: process.pid, url, token, startedAt: new Date().toISOString() };
  await writeHostRecord(options.home, record);
  const restored = host.list();
  log(`ferry host: control API on ${url}; ${restored.length} endpoint(s) restored`);
  for (const endpoint of restored) log(`  ${endpoint.name}  ${endpoint.url}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await host.close();
    removeHostRecord(options.home, process.pid);
    releaseLock();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  if (options.exitWithParent) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void stop();
    }, 500);
  }
  return record;
}

/**
 * One host per home: two would fight over the same endpoints and ports. The
 * lock file holds the owner's pid; a lock whose owner died is taken over.
 */
function takeHostLock(home: string): () => void {
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
      if (owner > 0 && isProcessAlive(owner)) {
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
