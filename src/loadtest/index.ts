import type { z } from 'zod';
import type { loadTestSchema } from '../config/pipeline-schema';
import { buildArrivalSchedule } from './arrival-schedule';
import type { LoadProgress, LoadTestResult } from './load-types';
import { runOpenLoop, type RequestSender } from './open-loop';

export { createHttpInvoker, type HttpInvoker, type HttpInvokerOptions } from './http-invoker';
export type * from './load-types';
export type { RequestSender } from './open-loop';
export { RequestError } from './request-error';
export { judgeSlo, type LoadSlo } from './slo';

/** The loadTest section of a pipeline file, defaults applied. */
export type LoadTestConfig = z.output<typeof loadTestSchema>;

export interface RunLoadTestOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** Default 1000. */
  progressIntervalMs?: number;
  /** Aborting rejects the run with the signal's reason (see runOpenLoop). */
  signal?: AbortSignal;
}

/**
 * Builds the section's schedule and runs it open loop against `send`. The
 * result is not judged here: `judgeSlo(result, config.slo)` does that, so a
 * report can show the figures of a run that failed its SLO.
 */
export async function runLoadTest(
  config: Pick<LoadTestConfig, 'arrival' | 'phases' | 'requestTimeoutMs' | 'seed'>,
  send: RequestSender,
  options: RunLoadTestOptions = {},
): Promise<LoadTestResult> {
  const schedule = buildArrivalSchedule({
    arrival: config.arrival,
    phases: config.phases,
    seed: config.seed,
  });
  return runOpenLoop({
    schedule,
    send,
    requestTimeoutMs: config.requestTimeoutMs,
    ...options,
  });
}
