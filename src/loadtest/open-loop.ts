import { performance } from 'node:perf_hooks';
import type { ArrivalSchedule } from './arrival-schedule';
import { LoadTally } from './load-tally';
import type { LoadProgress, LoadTestResult } from './load-types';
import { errorKind } from './request-error';

/**
 * Sends a schedule's requests at their intended times, open loop: a request
 * goes out when its time comes whether or not earlier ones have answered, so
 * a slow endpoint faces the load it was promised instead of a politely
 * waiting client. Latency is measured from the INTENDED send time, so when
 * the server (or this process) stalls, every request that should have gone
 * out during the stall is charged for it: the fix for coordinated omission.
 */

/**
 * One request to the endpoint. Resolves on success; rejects on failure, with
 * the kind read by `errorKind`. The signal aborts when the request has timed
 * out or the run is aborted; honouring it is optional (it frees sockets).
 */
export type RequestSender = (signal: AbortSignal) => Promise<void>;

export interface OpenLoopOptions {
  schedule: ArrivalSchedule;
  send: RequestSender;
  /** A request unanswered this long after it was actually sent counts as a "timeout" error. */
  requestTimeoutMs: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Default 1000. */
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_PROGRESS_INTERVAL_MS = 1000;
const MAX_TIMER_MS = 2_147_483_647;
/** Catching up on a backlog yields to the event loop this often, so responses are timed as they arrive. */
const MAX_SENDS_PER_TURN = 500;

interface InFlight {
  controller: AbortController;
  timer: NodeJS.Timeout;
}

/**
 * Runs the schedule and resolves with the result once every request has
 * answered or timed out. Abort: aborting `signal` stops sending, aborts the
 * requests in flight and REJECTS with `signal.reason` (as fetch does; wrapped
 * in an Error if it is not one): a cancelled run has no result worth judging,
 * and a Temporal activity must end promptly on cancellation. An exception
 * thrown by onProgress also rejects the run.
 */
export function runOpenLoop(options: OpenLoopOptions): Promise<LoadTestResult> {
  const { schedule, send, onProgress, signal } = options;
  // setTimeout treats anything over 2^31 - 1 ms as 1 ms.
  const requestTimeoutMs = Math.min(options.requestTimeoutMs, MAX_TIMER_MS);
  return new Promise<LoadTestResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(asError(signal.reason));
      return;
    }
    const tally = new LoadTally(schedule);
    const offsetsMs = schedule.offsetsMs;
    const inFlight = new Set<InFlight>();
    const startedAt = performance.now();
    const elapsedMs = () => performance.now() - startedAt;
    let nextIndex = 0;
    let maxInFlight = 0;
    let lastSentAtMs = 0;
    let isOver = false;
    let sendTimer: NodeJS.Timeout | undefined;
    let sendImmediate: NodeJS.Immediate | undefined;

    const progressTimer = onProgress
      ? setInterval(
          () => reportProgress(),
          options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
        )
      : undefined;

    function reportProgress(): void {
      if (!onProgress || isOver) return;
      const now = elapsedMs();
      try {
        onProgress({
          elapsedMs: Math.round(now),
          totalMs: schedule.totalMs,
          phase: tally.phaseAt(now),
          sent: tally.sent,
          ok: tally.ok,
          errors: tally.errors,
          inFlight: inFlight.size,
          p99Ms: tally.p99Ms(),
        });
      } catch (error) {
        stop();
        reject(asError(error));
      }
    }

    function stop(): void {
      isOver = true;
      clearTimeout(sendTimer);
      if (sendImmediate) clearImmediate(sendImmediate);
      clearInterval(progressTimer);
      signal?.removeEventListener('abort', onAbort);
    }

    function onAbort(): void {
      if (isOver) return;
      stop();
      for (const request of inFlight) {
        clearTimeout(request.timer);
        request.controller.abort(signal?.reason);
      }
      inFlight.clear();
      reject(asError(signal?.reason));
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    function finishIfDone(): void {
      if (isOver || nextIndex < offsetsMs.length || inFlight.size > 0) return;
      const durationMs = elapsedMs();
      stop();
      resolve(
        tally.toResult({
          durationMs,
          sendingWindowMs: Math.max(schedule.totalMs, lastSentAtMs),
          maxInFlight,
        }),
      );
    }

    function fire(index: number, intendedMs: number): void {
      const sentAtMs = elapsedMs();
      lastSentAtMs = sentAtMs;
      tally.recordSent(index, Math.max(0, sentAtMs - intendedMs));
      const controller = new AbortController();
      const request: InFlight = {
        controller,
        // Enforced here, not only in the sender: a sender without its own
        // deadline must not hold the run open.
        timer: setTimeout(() => {
          if (!settle()) return;
          tally.recordError(index, 'timeout');
          controller.abort(new Error(`no response within ${requestTimeoutMs} ms`));
        }, requestTimeoutMs),
      };
      inFlight.add(request);
      maxInFlight = Math.max(maxInFlight, inFlight.size);

      /** Takes the request out of flight; false if it was already settled (or the run is over). */
      function settle(): boolean {
        if (isOver || !inFlight.delete(request)) return false;
        clearTimeout(request.timer);
        // Only the last answers can end the run; earlier ones need no turn of their own.
        if (nextIndex === offsetsMs.length) setImmediate(finishIfDone);
        return true;
      }

      // async turns a sender that throws synchronously into a rejection.
      const sending = (async () => send(controller.signal))();
      sending.then(
        () => {
          const doneAtMs = elapsedMs();
          if (settle()) tally.recordOk(index, doneAtMs - intendedMs, doneAtMs - sentAtMs);
        },
        (error: unknown) => {
          if (settle()) tally.recordError(index, errorKind(error));
        },
      );
    }

    function sendDue(): void {
      sendTimer = undefined;
      sendImmediate = undefined;
      if (isOver) return;
      // Fire everything whose time has come, however late this turn is.
      let sentThisTurn = 0;
      for (;;) {
        const intendedMs = offsetsMs[nextIndex];
        if (intendedMs === undefined || intendedMs > elapsedMs()) break;
        if (sentThisTurn++ === MAX_SENDS_PER_TURN) {
          sendImmediate = setImmediate(sendDue);
          return;
        }
        fire(nextIndex++, intendedMs);
      }
      const nextMs = offsetsMs[nextIndex];
      if (nextMs === undefined) {
        finishIfDone();
        return;
      }
      // Timers fire in whole milliseconds and may be early or late by one;
      // the last sub-millisecond is waited out on the check phase, which
      // still lets I/O (responses) through between turns.
      const delayMs = nextMs - elapsedMs();
      if (delayMs >= 1) sendTimer = setTimeout(sendDue, Math.floor(delayMs));
      else sendImmediate = setImmediate(sendDue);
    }

    sendDue();
  });
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(`load test stopped: ${String(reason)}`);
}
