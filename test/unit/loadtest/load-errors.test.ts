import { buildArrivalSchedule } from '../../../src/loadtest/arrival-schedule';
import { createHttpInvoker, type HttpInvoker } from '../../../src/loadtest/http-invoker';
import type { LoadTestResult } from '../../../src/loadtest/load-types';
import { runOpenLoop, type RequestSender } from '../../../src/loadtest/open-loop';
import { RequestError } from '../../../src/loadtest/request-error';
import {
  answerOk,
  closedPortUrl,
  startLoopbackServer,
  type LoopbackServer,
} from './loopback-server';

let server: LoopbackServer | undefined;
let invoker: HttpInvoker | undefined;

afterEach(async () => {
  invoker?.close();
  await server?.close();
  invoker = undefined;
  server = undefined;
});

/** 10 requests over half a second. */
function runTen(send: RequestSender, requestTimeoutMs = 2000): Promise<LoadTestResult> {
  return runOpenLoop({
    schedule: buildArrivalSchedule({
      arrival: 'constant',
      phases: [{ durationSeconds: 0.5, ratePerSecond: 20 }],
      seed: 1,
    }),
    send,
    requestTimeoutMs,
  });
}

function httpSend(url: string, timeoutMs = 2000): RequestSender {
  invoker = createHttpInvoker({ url, body: '{}', contentType: 'application/json', timeoutMs });
  return invoker.send;
}

describe('load-test errors', () => {
  test('counts HTTP 500 answers by status and excludes them from latency', async () => {
    server = await startLoopbackServer((_request, response, _body, index) => {
      if (index % 2 === 0) {
        response.writeHead(500);
        response.end('model crashed');
      } else {
        answerOk(response);
      }
    });
    const result = await runTen(httpSend(server.url));

    expect(result.errorsByKind).toEqual({ 'http-500': 5 });
    expect(result.ok).toBe(5);
    expect(result.errors).toBe(5);
    expect(result.errorRate).toBe(0.5);
    expect(result.latencyMs.count).toBe(5);
    expect(result.sent).toBe(result.ok + result.errors);
  });

  test('counts a server that never answers as timeouts, ending soon after the last send', async () => {
    server = await startLoopbackServer(() => undefined);
    const result = await runTen(httpSend(server.url, 150), 150);

    expect(result.errorsByKind).toEqual({ timeout: 10 });
    expect(result.errorRate).toBe(1);
    expect(result.ok).toBe(0);
    expect(result.latencyMs.count).toBe(0);
    expect(result.durationMs).toBeLessThan(1000);
  });

  test('enforces the request timeout itself when the sender has none', async () => {
    const signals: AbortSignal[] = [];
    const result = await runTen((signal) => {
      signals.push(signal);
      return new Promise<void>(() => undefined);
    }, 100);

    expect(result.errorsByKind).toEqual({ timeout: 10 });
    expect(result.durationMs).toBeLessThan(1000);
    // The sender is told, so it can free what it holds.
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  test('counts a closed port as connection-refused', async () => {
    const result = await runTen(httpSend(await closedPortUrl()));

    expect(result.errorsByKind).toEqual({ 'connection-refused': 10 });
    expect(result.errorRate).toBe(1);
  });

  test('counts a server that drops the connection as connection-reset', async () => {
    server = await startLoopbackServer((request) => request.socket.destroy());
    const result = await runTen(httpSend(server.url));

    expect(result.errorsByKind).toEqual({ 'connection-reset': 10 });
  });

  test('reads the kind off errors from other senders: kind, then name, else other', async () => {
    let index = 0;
    const result = await runTen(() => {
      const which = index++ % 5;
      if (which === 0) return Promise.reject(new RequestError('throttled', 'slow down'));
      if (which === 1) {
        const error = new Error('the model raised');
        error.name = 'ModelError';
        return Promise.reject(error);
      }
      if (which === 2) return Promise.reject(new Error('something'));
      if (which === 3) throw new TypeError('thrown before any promise');
      return Promise.resolve();
    });

    expect(result.errorsByKind).toEqual({ ModelError: 2, other: 4, throttled: 2 });
    expect(result.ok).toBe(2);
    expect(result.errorRate).toBeCloseTo(0.8, 10);
  });
});
