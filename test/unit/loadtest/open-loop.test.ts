import { buildArrivalSchedule } from '../../../src/loadtest/arrival-schedule';
import { createHttpInvoker, type HttpInvoker } from '../../../src/loadtest/http-invoker';
import { runLoadTest } from '../../../src/loadtest/index';
import type { LoadProgress, LoadTestResult } from '../../../src/loadtest/load-types';
import { runOpenLoop } from '../../../src/loadtest/open-loop';
import { answerOk, startLoopbackServer, type LoopbackServer } from './loopback-server';

let server: LoopbackServer | undefined;
let invoker: HttpInvoker | undefined;

afterEach(async () => {
  invoker?.close();
  await server?.close();
  invoker = undefined;
  server = undefined;
});

function invokerFor(url: string, timeoutMs = 2000): HttpInvoker {
  invoker = createHttpInvoker({
    url,
    body: '{"instances":[[1,2,3]]}',
    contentType: 'application/json',
    accept: 'application/json',
    timeoutMs,
  });
  return invoker;
}

function expectCountsAddUp(result: LoadTestResult): void {
  expect(result.sent).toBe(result.scheduled);
  expect(result.ok + result.errors).toBe(result.sent);
  expect(result.phases.reduce((sum, phase) => sum + phase.sent, 0)).toBe(result.sent);
  expect(result.timeline.reduce((sum, point) => sum + point.sent, 0)).toBe(result.sent);
}

/** Busy-waits: the whole process, load generator included, stops as in a long GC pause. */
function freezeProcess(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('open-loop latency', () => {
  test('measures a fixed 200 ms answer as p50 of about 200 ms, every request ok', async () => {
    const seen: { contentType?: string; body?: string } = {};
    server = await startLoopbackServer((request, response, body) => {
      seen.contentType = request.headers['content-type'];
      seen.body = body;
      setTimeout(() => answerOk(response), 200);
    });
    const send = invokerFor(server.url).send;
    const result = await runLoadTest(
      {
        arrival: 'constant',
        phases: [{ name: 'steady', durationSeconds: 2, ratePerSecond: 50 }],
        requestTimeoutMs: 2000,
        seed: 1,
      },
      send,
    );

    expect(seen).toEqual({ contentType: 'application/json', body: '{"instances":[[1,2,3]]}' });
    expect(result.scheduled).toBe(100);
    expect(result.ok).toBe(100);
    expect(result.errors).toBe(0);
    expect(result.errorRate).toBe(0);
    expectCountsAddUp(result);
    expect(result.latencyMs.count).toBe(100);
    // Never below the answer's 200 ms; the one upper bound catches a measurement
    // that counts time twice (400 ms). The answer is long, and only the median is
    // bounded, because latency is timed from the intended send: this busy
    // machine (other suites run alongside) adds tens of ms to every request and
    // its stalls rightly land in the tail (one put p90 at 531 ms in CI). How
    // fast serving is belongs to the benchmarks (npm run bench).
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(199.5);
    expect(result.latencyMs.p50).toBeLessThan(350);
    // Never faster than scheduled; slower only if a stall delays the last sends.
    expect(result.achievedRatePerSecond).toBeLessThan(51);
    expect(result.achievedRatePerSecond).toBeGreaterThan(30);
    expect(result.durationMs).toBeGreaterThanOrEqual(1980);
    expect(result.phases).toEqual([
      expect.objectContaining({ name: 'steady', startSecond: 0, durationSeconds: 2, ok: 100 }),
    ]);
    expect(result.timeline.map((point) => [point.second, point.sent, point.ok])).toEqual([
      [0, 50, 50],
      [1, 50, 50],
    ]);
    for (const point of result.timeline) expect(point.p50Ms).toBeGreaterThanOrEqual(199.5);
  });

  test('charges a server stall to every request that should have been sent during it', async () => {
    // The server holds every answer for ~500 ms once, ~0.6 s into the run.
    let firstAt: number | undefined;
    let frozenUntil = 0;
    server = await startLoopbackServer((_request, response) => {
      const now = performance.now();
      firstAt ??= now;
      if (frozenUntil === 0 && now - firstAt >= 600) frozenUntil = now + 500;
      setTimeout(() => answerOk(response), Math.max(0, frozenUntil - now));
    });
    const schedule = buildArrivalSchedule({
      arrival: 'constant',
      phases: [{ durationSeconds: 1.5, ratePerSecond: 100 }],
      seed: 1,
    });
    const result = await runOpenLoop({
      schedule,
      send: invokerFor(server.url).send,
      requestTimeoutMs: 2000,
    });

    expect(result.ok).toBe(150);
    expectCountsAddUp(result);
    // About a third of the requests waited out part of the stall, and the
    // median did not (a busy machine adds tens of ms, never hundreds).
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(300);
    expect(result.latencyMs.p50).toBeLessThan(150);
    // Open loop: requests kept going out during the stall, on time (a
    // generator that waited for answers would lag by the stall's 500 ms; a
    // busy machine adds tens of ms, once 170 ms).
    expect(result.maxInFlight).toBeGreaterThanOrEqual(20);
    expect(result.sendLagMsP99).toBeLessThan(300);
  });

  test('measures from intended send time, so a stalled generator cannot hide the stall', async () => {
    // The server freezes the whole process for 500 ms once: the generator
    // cannot send during it, and afterwards the server answers at once. Timed
    // from the actual send, the late requests look fast (coordinated
    // omission); timed from when they were due, they carry the stall.
    let firstAt: number | undefined;
    let hasFrozen = false;
    server = await startLoopbackServer((_request, response) => {
      const now = performance.now();
      firstAt ??= now;
      if (!hasFrozen && now - firstAt >= 500) {
        hasFrozen = true;
        freezeProcess(500);
      }
      answerOk(response);
    });
    const result = await runOpenLoop({
      schedule: buildArrivalSchedule({
        arrival: 'constant',
        // Long enough that the stall touches about a sixth of the requests:
        // far above p99, far below p50, even on a busy machine.
        phases: [{ durationSeconds: 3, ratePerSecond: 100 }],
        seed: 1,
      }),
      send: invokerFor(server.url).send,
      requestTimeoutMs: 2000,
    });

    expect(result.ok).toBe(300);
    expectCountsAddUp(result);
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(300);
    expect(result.latencyMs.p50).toBeLessThan(150);
    expect(result.sendLagMsP99).toBeGreaterThanOrEqual(300);
    // What a client timing from its actual send would have reported.
    expect(result.serviceTimeMs.p99).toBeLessThan(result.latencyMs.p99 / 2);
  });
});

describe('open-loop progress and abort', () => {
  test('reports progress about every interval with increasing elapsed time', async () => {
    const progress: LoadProgress[] = [];
    const result = await runOpenLoop({
      schedule: buildArrivalSchedule({
        arrival: 'poisson',
        phases: [
          { name: 'first', durationSeconds: 0.6, ratePerSecond: 50 },
          { name: 'second', durationSeconds: 0.6, ratePerSecond: 50 },
        ],
        seed: 3,
      }),
      send: () => Promise.resolve(),
      requestTimeoutMs: 1000,
      progressIntervalMs: 200,
      onProgress: (report) => progress.push(report),
    });

    expect(progress.length).toBeGreaterThanOrEqual(4);
    progress.slice(1).forEach((report, i) => {
      expect(report.elapsedMs).toBeGreaterThan(progress[i]?.elapsedMs ?? Infinity);
      expect(report.sent).toBeGreaterThanOrEqual(progress[i]?.sent ?? Infinity);
    });
    expect(progress.every((report) => report.totalMs === 1200)).toBe(true);
    expect(progress[0]?.phase).toBe('first');
    expect(progress.at(-1)?.phase).toBe('second');
    expect(progress.at(-1)?.sent).toBeGreaterThan(0);
    expect(result.ok).toBe(result.scheduled);
  });

  test('stops sending on abort and rejects with the reason, aborting requests in flight', async () => {
    const signals: AbortSignal[] = [];
    const controller = new AbortController();
    const startedAt = performance.now();
    setTimeout(() => controller.abort(new Error('activity cancelled')), 300);
    await expect(
      runOpenLoop({
        schedule: buildArrivalSchedule({
          arrival: 'constant',
          phases: [{ durationSeconds: 10, ratePerSecond: 20 }],
          seed: 1,
        }),
        // Never answers: only the abort can end the run early.
        send: (signal) => {
          signals.push(signal);
          return new Promise<void>(() => undefined);
        },
        requestTimeoutMs: 60_000,
        signal: controller.signal,
      }),
    ).rejects.toThrow('activity cancelled');
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(signals.length).toBeGreaterThan(3);
    expect(signals.length).toBeLessThan(12);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  test('rejects at once when the signal is already aborted', async () => {
    const sent: number[] = [];
    await expect(
      runOpenLoop({
        schedule: buildArrivalSchedule({
          arrival: 'constant',
          phases: [{ durationSeconds: 1, ratePerSecond: 10 }],
          seed: 1,
        }),
        send: () => {
          sent.push(1);
          return Promise.resolve();
        },
        requestTimeoutMs: 100,
        signal: AbortSignal.abort(new Error('cancelled before start')),
      }),
    ).rejects.toThrow('cancelled before start');
    expect(sent).toEqual([]);
  });
});
