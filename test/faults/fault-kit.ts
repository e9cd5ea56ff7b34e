import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { stopHost } from '../../src/backends/local/hosting/ensure-host';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { openRegistry } from '../../src/backends/compose-backends';
import { pipelineSchema, type PipelineConfig } from '../../src/config/pipeline-schema';
import { processesMatching } from '../fixtures/processes';
import { churnDataset, validPipeline } from '../fixtures/pipelines';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const OUTPUT_DIR = path.join(PROJECT_ROOT, 'test-output', 'faults');

/** A Ferry home of its own for one fault test, in the system's temporary folder. */
export function makeHome(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ferry-fault-${prefix}-`));
}

export const shortId = () => randomBytes(4).toString('hex');

export interface WorkerProcess {
  child: ChildProcess;
  /** SIGKILL, as a crash or an OOM kill would; resolves once the process is gone. */
  crash(): Promise<void>;
  /** SIGTERM (a clean stop); resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * A real worker (`src/worker.ts`, as the container runs it, unless `entry`
 * names another) in its own process, so a test can kill it. Its output goes
 * to test-output/faults/ for reading after a failure. The home is repeated
 * on its command line only so that processesMatching(home) finds it.
 */
export function startWorkerProcess(
  env: { TEMPORAL_ADDRESS: string; FERRY_HOME: string; FERRY_TASK_QUEUE: string } & Record<
    string,
    string
  >,
  entry = path.join(PROJECT_ROOT, 'src', 'worker.ts'),
): WorkerProcess {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const logFd = openSync(path.join(OUTPUT_DIR, `worker-${env.FERRY_TASK_QUEUE}.log`), 'a');
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', entry, `--home=${env.FERRY_HOME}`], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, FERRY_LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await gone;
  };
  return { child, crash: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

/** Polls `condition` (a busy machine makes fixed sleeps flaky) until it holds or `timeoutMs` passes. */
export async function waitUntil<T>(
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 120_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${timeoutMs / 1000} s${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Non-empty lines of a file, or none if it does not exist. */
export function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Per candidate of a run, how many times its training started and completed (the activity's own logs). */
export function trainingCounts(
  home: string,
  runId: string,
): Record<string, { attempts: number; completions: number }> {
  const dir = path.join(home, 'artifacts', runId, 'candidates');
  const counts: Record<string, { attempts: number; completions: number }> = {};
  for (const candidate of existsSync(dir) ? readdirSync(dir).sort() : []) {
    counts[candidate] = {
      attempts: lines(path.join(dir, candidate, 'attempts.log')).length,
      completions: lines(path.join(dir, candidate, 'completions.log')).length,
    };
  }
  return counts;
}

/**
 * What a run left in the registry and the endpoint host, counted: model
 * versions of its group, endpoints of that name, and 'deployed' entries in
 * the versions' deployment history. A duplicate shows as a 2.
 */
export async function resourceCounts(home: string, group: string) {
  const registry = openRegistry('local', home);
  const versions = await registry.listVersions(group);
  const endpoints = (await new LocalHostingClient(home).list()).filter((e) => e.name === group);
  return {
    versions: versions.length,
    endpoints: endpoints.length,
    deployments: versions.flatMap((v) => v.deployments).filter((d) => d.action === 'deployed')
      .length,
  };
}

/**
 * Every process this home still has: those that name it on their command line
 * (workers, replicas serving its models) and those that carry it as FERRY_HOME
 * (the endpoint host, the warm Python runner, training jobs).
 */
export function processesOf(home: string): number[] {
  const pids = new Set(processesMatching(home));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`FERRY_HOME=${home}`)) pids.add(Number(entry));
    } catch {
      // Ended while we read, or not ours to read: either way not one of this home's.
    }
  }
  return [...pids];
}

/** Stops the home's endpoint host, waits for every process of the home to end, and removes the folder. */
export async function cleanUpHome(home: string): Promise<number[]> {
  await stopHost(home);
  const left = await waitUntil(
    "the home's processes end",
    () => processesOf(home).length === 0,
    20_000,
  ).then(
    () => [],
    () => processesOf(home),
  );
  rmSync(home, { recursive: true, force: true });
  return left;
}

/** The innermost cause of an error: the activity's own words, not "activity task failed". */
export function rootCause(error: unknown): Error {
  let current = error as Error;
  while (current.cause instanceof Error) current = current.cause;
  return current;
}

/** The error a run ended with, or undefined if it completed. */
export async function runFailure(handle: WorkflowHandle): Promise<Error | undefined> {
  return handle.result().then(
    () => undefined,
    (error: unknown) => error as Error,
  );
}

/** Activity events of a run's history, by activity type: how often each was scheduled, started, completed or failed. */
export async function activityEvents(handle: WorkflowHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  const typeOfScheduled = new Map<string, string>();
  const counts: Record<string, { scheduled: number; completed: number; failed: number }> = {};
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const type = scheduled.activityType?.name ?? '?';
      typeOfScheduled.set(String(event.eventId), type);
      (counts[type] ??= { scheduled: 0, completed: 0, failed: 0 }).scheduled++;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const failed =
      event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    const done = completed ?? failed;
    if (done) {
      const type = typeOfScheduled.get(String(done.scheduledEventId)) ?? '?';
      const entry = (counts[type] ??= { scheduled: 0, completed: 0, failed: 0 });
      if (completed) entry.completed++;
      else entry.failed++;
    }
  }
  return counts;
}

/**
 * A churn pipeline whose one candidate (a 400-tree random forest) trains for
 * seconds on 2 cores, long enough for a fault to catch it training; gates off,
 * a gentle SLO. `overrides` set the endpoint and load test a fault needs.
 */
export function slowTrainingPipeline(
  group: string,
  overrides: Record<string, unknown> = {},
): PipelineConfig {
  return pipelineSchema.parse({
    ...validPipeline(),
    dataset: churnDataset(),
    candidates: {
      count: 1,
      maxParallel: 1,
      algorithms: [
        { name: 'random-forest', hyperparameters: { n_estimators: 400, max_depth: 12 } },
      ],
    },
    gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
    modelGroup: group,
    approval: { approvers: ['alice'], timeout: '1h' },
    ...overrides,
  });
}
