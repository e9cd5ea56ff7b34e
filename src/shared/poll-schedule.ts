/**
 * How often to read the state of something slow: the first wait, then each
 * wait half as long again, up to the longest. A local replica starts within
 * a second; a SageMaker instance takes minutes, and every read there is an
 * API call counted against the account's rate limits.
 */
export interface PollSchedule {
  firstMs: number;
  maxMs: number;
}

/** The wait after one of `previousMs`. */
export function nextPollMs(previousMs: number, schedule: PollSchedule): number {
  return Math.min(schedule.maxMs, Math.round(previousMs * 1.5));
}

/** Waits `ms`, or less if `signal` aborts first (the caller then checks it). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
