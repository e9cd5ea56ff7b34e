import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { findFreePort } from '../shared/free-port';
import { httpStatus } from '../shared/http-status';
import { isProcessGroupAlive, signalProcessGroup, stopProcessGroup } from '../shared/process-group';
import { FERRY_SEARCH_ATTRIBUTES } from './search-attributes';
import { findTemporalCli } from './temporal-cli';
import { DEFAULT_NAMESPACE } from './task-queues';

export interface DevServerOptions {
  /** SQLite file that keeps runs across restarts. */
  dbFile: string;
  /** Where the server's own output goes (kept out of the terminal). */
  logFile: string;
  cliPath?: string;
  host?: string;
  port?: number;
  uiPort?: number;
  isUiEnabled?: boolean;
  readyTimeoutMs?: number;
}

export interface DevServer {
  /** gRPC address for clients and workers, `127.0.0.1:port`. */
  address: string;
  uiUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

const START_ATTEMPTS = 3;

/**
 * Runs the server ("$0" "$@") and takes it down when our end of its stdin
 * closes, which happens however this process ends, even by SIGKILL; a plain
 * exit handler would miss a killed parent and leave the server orphaned.
 * The wrapper exits with the server, so an early exit is still noticed.
 */
// (sh gives background jobs /dev/null as stdin, so the pipe is passed on fd 3.)
const WATCHDOG = `exec 3<&0
"$0" "$@" &
server=$!
( cat <&3 >/dev/null; kill -TERM "$server" 2>/dev/null ) &
wait "$server"`;

/**
 * Starts `temporal server start-dev` on free ports with Ferry's search
 * attributes registered, and resolves once the default namespace answers
 * (and the UI serves, when on). The server runs in its own process group so
 * stop() leaves no process behind.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
      // A free port can be taken between finding it and binding it; only
      // then is another attempt (on new ports) worth it.
      if (!(error instanceof DevServerExited) || !/address already in use/i.test(error.message))
        throw error;
    }
  }
  throw lastError;
}

export class DevServerExited extends Error {
  readonly type = 'DevServerExited';
}

async function startOnce(options: DevServerOptions): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await findFreePort(host));
  const isUiEnabled = options.isUiEnabled ?? true;
  const uiPort = isUiEnabled ? (options.uiPort ?? (await findFreePort(host))) : undefined;
  const cli = options.cliPath ?? findTemporalCli();
  mkdirSync(path.dirname(options.dbFile), { recursive: true });
  mkdirSync(path.dirname(options.logFile), { recursive: true });

  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--db-filename',
    options.dbFile,
    '--log-level',
    'warn',
    ...FERRY_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ...(uiPort === undefined
      ? ['--headless']
      : ['--ui-port', String(uiPort), '--ui-ip', host, '--ui-disable-news-fetch']),
  ];
  const logFd = openSync(options.logFile, 'a');
  const child = spawn('sh', ['-c', WATCHDOG, cli, ...args], {
    detached: true,
    stdio: ['pipe', logFd, logFd],
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new DevServerExited(`could not start ${cli}`);

  let exitCode: number | null | undefined;
  child.on('exit', (code, signal) => {
    exitCode = code ?? (signal ? -1 : null);
  });
  // If this process exits without calling stop(), take the server with it.
  const stopOnExit = () => signalProcessGroup(pid, 'SIGTERM');
  process.on('exit', stopOnExit);

  const address = `${host}:${port}`;
  const uiUrl = uiPort === undefined ? undefined : `http://${host}:${uiPort}`;
  const stop = async () => {
    process.off('exit', stopOnExit);
    if (isProcessGroupAlive(pid)) await stopProcessGroup(pid);
  };
  try {
    await waitUntilReady(address, uiUrl, options.readyTimeoutMs ?? 60_000, () => {
      if (exitCode !== undefined) {
        throw new DevServerExited(
          `the Temporal dev server exited during start-up (code ${exitCode}): ${tail(options.logFile)} (log: ${options.logFile})`,
        );
      }
    });
  } catch (error) {
    await stop();
    throw error;
  }
  child.unref();
  return { address, uiUrl, pid, stop };
}

async function waitUntilReady(
  address: string,
  uiUrl: string | undefined,
  timeoutMs: number,
  checkAlive: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    checkAlive();
    try {
      // lazy() + close() in finally: a failed Connection.connect() would leave
      // its channel retrying in the background and keep this process alive.
      const connection = Connection.lazy({ address, connectTimeout: 1_000 });
      try {
        await connection.ensureConnected();
        await connection.workflowService.describeNamespace({ namespace: DEFAULT_NAMESPACE });
      } finally {
        await connection.close();
      }
      if (uiUrl !== undefined && (await httpStatus(uiUrl)) !== 200) {
        throw new Error(`UI at ${uiUrl} not serving yet`);
      }
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  checkAlive();
  throw new Error(
    `the Temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`,
  );
}

function tail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return lines.slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}
