import { Context } from '@temporalio/activity';
import type { Progress } from '../backends/trainer';

/** Without news from the job for this long, we still heartbeat, so the server knows we are alive. */
const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Heartbeats with the job's latest progress, on every change and at least
 * every few seconds; the signal aborts on cancellation or when the activity
 * runs past its start-to-close timeout (the job is then killed).
 */
export function startHeartbeats<T = Progress>(
  initial: T = { stage: 'starting', fraction: 0 } as T,
): {
  signal: AbortSignal;
  onProgress(progress: T): void;
  stop(): void;
} {
  const context = Context.current();
  let latest = initial;
  const timer = setInterval(() => context.heartbeat(latest), HEARTBEAT_EVERY_MS);
  const timeoutMs = context.info.startToCloseTimeoutMs;
  const signal = AbortSignal.any([context.cancellationSignal, AbortSignal.timeout(timeoutMs)]);
  context.heartbeat(latest);
  return {
    signal,
    onProgress(progress) {
      latest = progress;
      context.heartbeat(progress);
    },
    stop: () => clearInterval(timer),
  };
}
