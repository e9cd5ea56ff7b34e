import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { COMMON_DIR, PYTHON, pythonEnv } from './python-paths';

/** A script run: what a SageMaker container would do with `python script argv...`. */
export interface ScriptRequest {
  script: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  log: string;
}

/** One JSON line from warm_runner.py (algorithms/README.md describes the protocol). */
export interface RunnerEvent {
  event: 'ready' | 'started' | 'exited' | 'error';
  id?: string | null;
  pid?: number;
  code?: number;
  message?: string;
}

interface PendingJob {
  onStarted(pid: number): void;
  onExited(code: number): void;
  onFailed(error: Error): void;
}

/**
 * One warm Python process per worker (algorithms/common/warm_runner.py): it
 * has imported pandas, scikit-learn and XGBoost once, and forks a child per
 * job that runs the script as `__main__` with the job's environment. Each
 * job still gets a fresh process in its own process group (killable as a
 * whole), but skips seconds of interpreter start-up and imports, the way
 * SageMaker's warm pools skip instance start-up. When this worker dies, the
 * runner's stdin closes and it kills its jobs.
 */
export class WarmRunner {
  private static shared?: Promise<WarmRunner>;
  private readonly jobs = new Map<string, PendingJob>();
  private nextId = 0;
  private isClosed = false;

  private constructor(private readonly child: ChildProcess) {}

  /** The worker's runner, started on first use and again if it died. */
  static get(): Promise<WarmRunner> {
    WarmRunner.shared ??= WarmRunner.start().catch((error: unknown) => {
      WarmRunner.shared = undefined;
      throw error;
    });
    return WarmRunner.shared;
  }

  private static start(): Promise<WarmRunner> {
    const child = spawn(PYTHON, [path.join(COMMON_DIR, 'warm_runner.py')], {
      env: { ...process.env, ...pythonEnv({}) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const runner = new WarmRunner(child);
    // The runner lives as long as this process and no longer: it must not keep
    // the process alive by itself, and it exits when its stdin closes.
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      let isReady = false;
      lines.on('line', (line) => {
        const event = parseEvent(line);
        if (event?.event === 'ready' && !isReady) {
          isReady = true;
          resolve(runner);
        } else if (event) runner.handle(event);
      });
      child.on('exit', (code, signal) => {
        runner.fail(new Error(`the warm Python runner exited (${signal ?? String(code)})`));
        if (!isReady)
          reject(
            new Error(
              `the warm Python runner (${PYTHON}) exited before it was ready; run 'bash scripts/setup.sh'`,
            ),
          );
      });
      child.on('error', (error) =>
        reject(new Error(`cannot start ${PYTHON}: ${error.message}; run 'bash scripts/setup.sh'`)),
      );
    });
  }

  /** Stops the shared runner, if one was started (its running jobs are killed). */
  static async stopShared(): Promise<void> {
    const shared = WarmRunner.shared;
    WarmRunner.shared = undefined;
    const runner = await shared?.catch(() => undefined);
    if (!runner || runner.isClosed) return;
    const exited = new Promise((resolve) => runner.child.once('exit', resolve));
    runner.child.stdin?.end();
    await exited;
  }

  /** Runs a script; resolves with its exit code (negative: killed by that signal). */
  run(request: ScriptRequest, onStarted: (pid: number) => void): Promise<number> {
    if (this.isClosed) return Promise.reject(new Error('the warm Python runner has exited'));
    const id = `job-${++this.nextId}`;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { onStarted, onExited: resolve, onFailed: reject });
      this.child.stdin!.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  private handle(event: RunnerEvent): void {
    const job = event.id ? this.jobs.get(event.id) : undefined;
    if (!job || !event.id) return;
    if (event.event === 'started' && event.pid !== undefined) job.onStarted(event.pid);
    else if (event.event === 'exited') {
      this.jobs.delete(event.id);
      job.onExited(event.code ?? 1);
    } else if (event.event === 'error') {
      this.jobs.delete(event.id);
      job.onFailed(
        new Error(`the warm Python runner refused the job: ${event.message ?? 'unknown error'}`),
      );
    }
  }

  private fail(error: Error): void {
    this.isClosed = true;
    WarmRunner.shared = undefined;
    for (const job of this.jobs.values()) job.onFailed(error);
    this.jobs.clear();
  }
}

function parseEvent(line: string): RunnerEvent | undefined {
  try {
    return JSON.parse(line) as RunnerEvent;
  } catch {
    return undefined;
  }
}
