import { spawn, type ChildProcessByStdio } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ALGORITHMS_DIR, algorithmDir, PYTHON, pythonEnv } from '../../../python/python-paths';
import { signalProcessGroup } from '../../../shared/process-group';
import { processIdentity } from './process-identity';

/** The Python host one replica runs: the inference toolkit's functions behind /ping and /invocations. */
export const REPLICA_HOST_SCRIPT = path.join(ALGORITHMS_DIR, 'host', 'serve.py');

const READY_LINE = /^\[ferry\] replica ready port=(\d+) pid=(\d+)\s*$/;
const STDERR_LINES_KEPT = 50;
const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_GRACE_MS = 5_000;
/** How long a failed start waits for the last stderr lines before reporting. */
const STDERR_DRAIN_MS = 500;
/**
 * One compute thread per replica: a request is one small batch, and with
 * several replicas on two cores, per-process thread pools would only fight.
 * Scaling out adds replicas, not threads.
 */
const THREAD_CAPS = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

export interface ReplicaSpec {
  algorithm: string;
  modelDir: string;
  /** How long loading the model may take; 60 s unless given. */
  readyTimeoutMs?: number;
  /** Extra environment for the host (overrides the thread caps too). */
  env?: Record<string, string>;
  /** Where the endpoint host notes the replica while its process runs. */
  ledger?: ReplicaLedger;
}

/**
 * The endpoint host's list of its running replicas (kept in its endpoint
 * store), so that a host that died without stopping them is followed by one
 * that ends what is left.
 */
export interface ReplicaLedger {
  record(pid: number, startId: string): void;
  forget(pid: number): void;
}

export interface ReplicaExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ReplicaProcess {
  pid: number;
  port: number;
  /** `http://127.0.0.1:<port>`; the host serves GET /ping and POST /invocations. */
  url: string;
  /** Resolves when the process has exited, however it ended. Never rejects. */
  exited: Promise<ReplicaExit>;
  isAlive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs` (5 s), to its process group; resolves once exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** A replica that did not get to serving; `stderrTail` holds what the host said. */
export class ReplicaStartError extends Error {
  readonly type = 'ReplicaStartError';

  constructor(
    readonly algorithm: string,
    readonly modelDir: string,
    what: string,
    readonly stderrTail: string[],
    fix?: string,
  ) {
    const said = stderrTail.length ? stderrTail.join('\n') : '(nothing)';
    super(
      `replica of ${algorithm} (model ${modelDir}) ${what}${fix ? `; ${fix}` : ''}\nits stderr:\n${said}`,
    );
    this.name = 'ReplicaStartError';
  }
}

type Startup =
  | { isReady: true; port: number }
  | { isReady: false; what: string; fix?: string; shouldKill: boolean };

/**
 * Starts one replica and resolves once it listens (its ready line names the
 * port). It dies with this process however this one ends: it exits when its
 * stdin, a pipe only this process writes to, closes. It leads its own
 * process group, so stopping it stops anything it started too.
 */
export async function startReplica(spec: ReplicaSpec): Promise<ReplicaProcess> {
  const child = spawn(
    PYTHON,
    [
      REPLICA_HOST_SCRIPT,
      ...['--code-dir', algorithmDir(spec.algorithm)],
      ...['--model-dir', spec.modelDir],
      '--exit-with-stdin',
    ],
    {
      env: { ...process.env, ...pythonEnv({ ...THREAD_CAPS, ...spec.env }) },
      // Node opens the pipe close-on-exec, so no other child holds its write end open.
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const pid = child.pid;
  const identity = pid === undefined ? undefined : processIdentity(pid);
  if (pid !== undefined && identity) spec.ledger?.record(pid, identity.startId);
  // Read for as long as the replica lives: a full pipe would block the host's next traceback.
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_LINES_KEPT) stderrTail.shift();
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<ReplicaExit>((resolve) => {
    // 'close' alone comes when the process could not be spawned at all.
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
      resolve({ code, signal }),
    );
  });
  void exited.then(() => {
    if (pid !== undefined) {
      spec.ledger?.forget(pid);
      sweepGroup(pid);
    }
    // The pipes close with the process, unless something it started holds them:
    // that must not keep this process alive.
    setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
    }, STDERR_DRAIN_MS).unref();
  });

  const startup = await waitForReady(child, spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  if (!startup.isReady) {
    if (startup.shouldKill) child.kill('SIGKILL');
    await exited;
    await Promise.race([closed, delay(STDERR_DRAIN_MS)]);
    throw new ReplicaStartError(
      spec.algorithm,
      spec.modelDir,
      startup.what,
      [...stderrTail],
      startup.fix,
    );
  }

  const isAlive = () => child.exitCode === null && child.signalCode === null;
  let stopping: Promise<void> | undefined;
  return {
    pid: pid!,
    port: startup.port,
    url: `http://127.0.0.1:${startup.port}`,
    exited,
    isAlive,
    stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      stopping ??= (async () => {
        if (!isAlive()) {
          await exited;
          return;
        }
        signalProcessGroup(pid!, 'SIGTERM');
        const escalation = setTimeout(() => signalProcessGroup(pid!, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(escalation);
      })();
      return stopping;
    },
  };
}

/**
 * Kills whatever a replica started and left behind when it exited. Its pid
 * names the group for as long as any member lives, so no other process's
 * group can be hit.
 */
function sweepGroup(pgid: number): void {
  try {
    signalProcessGroup(pgid, 'SIGKILL');
  } catch {
    // Not ours to signal (EPERM): then nothing of the replica is left in it.
  }
}

type HostProcess = ChildProcessByStdio<Writable, Readable, Readable>;

function waitForReady(child: HostProcess, timeoutMs: number): Promise<Startup> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: child.stdout });
    const finish = (startup: Startup) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      lines.close();
      // Nothing else is printed to stdout, but drain it rather than let a stray print block.
      child.stdout.resume();
      resolve(startup);
    };
    const timer = setTimeout(
      () =>
        finish({
          isReady: false,
          what: `was not ready within ${timeoutMs} ms (killed)`,
          fix: 'raise readyTimeoutMs if the model takes longer to load',
          shouldKill: true,
        }),
      timeoutMs,
    );
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish({
        isReady: false,
        what: `exited (${signal ?? `code ${code}`}) before it was ready`,
        shouldKill: false,
      });
    const onError = (error: Error) =>
      finish({
        isReady: false,
        what: `could not start ${PYTHON}: ${error.message}`,
        fix: "run 'bash scripts/setup.sh' to create the project's Python",
        shouldKill: true,
      });
    child.once('exit', onExit);
    child.once('error', onError);
    lines.on('line', (line) => {
      const match = READY_LINE.exec(line);
      if (match) finish({ isReady: true, port: Number(match[1]) });
    });
  });
}

/** True when the replica answers GET /ping with 200 within `timeoutMs`. */
export function pingReplica(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(new URL('/ping', url), { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
