import type { ScalingPolicy } from '../src/backends/hosting';
import { createHttpInvoker, runLoadTest, type HttpInvoker } from '../src/loadtest';
import { BENCH_ROW_CSV, benchEndpoints } from './bench-endpoint';
import { machine, progress } from './bench-server';

const ONE_REPLICA: ScalingPolicy = {
  minReplicas: 1,
  maxReplicas: 1,
  targetInvocationsPerReplica: 1_000_000,
  metricWindowSeconds: 60,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
  coldStartTimeoutSeconds: 60,
};
const ROUNDS = 3;
const MAX_RATE_CONNECTIONS = 4;
const MAX_RATE_SECONDS = 5;

/**
 * serving (DESIGN.md §7): one replica of a real model, called through the
 * router and directly, in alternating rounds so drift hits both alike.
 * Latency at a fixed open-loop rate (p50, p99), and the highest request rate
 * four keep-alive connections reach. Goal: the router adds under 1 ms at p50.
 */
export async function serving(args: string[]): Promise<unknown> {
  const ratePerSecond = Number(args[0] ?? 50);
  const durationSeconds = Number(args[1] ?? 8);
  const endpoints = await benchEndpoints();
  try {
    const endpoint = await endpoints.deploy('serving', ONE_REPLICA, false);
    const replica = endpoint.replicas[0];
    if (!replica) throw new Error('the endpoint has no replica');
    const targets = {
      direct: invoker(`http://127.0.0.1:${replica.port}/invocations`),
      router: invoker(`${endpoint.url}/invocations`),
    };
    const latency: Record<'direct' | 'router', { p50: number[]; p99: number[] }> = {
      direct: { p50: [], p99: [] },
      router: { p50: [], p99: [] },
    };
    for (const target of Object.values(targets)) await warmUp(target);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const name of ['direct', 'router'] as const) {
        progress(
          `round ${round}/${ROUNDS}: ${name} at ${ratePerSecond}/s for ${durationSeconds} s`,
        );
        const result = await runLoadTest(
          {
            arrival: 'constant',
            phases: [{ durationSeconds, ratePerSecond }],
            requestTimeoutMs: 5_000,
            seed: round,
          },
          targets[name].send,
        );
        if (result.errors > 0) throw new Error(`${name}: ${result.errors} requests failed`);
        latency[name].p50.push(result.latencyMs.p50);
        latency[name].p99.push(result.latencyMs.p99);
      }
    }
    const maxRate = {
      direct: await closedLoopRate(targets.direct),
      router: await closedLoopRate(targets.router),
    };
    for (const target of Object.values(targets)) target.close();
    const p50 = { direct: median(latency.direct.p50), router: median(latency.router.p50) };
    const p99 = { direct: median(latency.direct.p99), router: median(latency.router.p99) };
    const addedP50Ms = round3(p50.router - p50.direct);
    return {
      benchmark: 'serving',
      machine: machine(),
      inputs: {
        model: 'penguins logistic regression, one replica',
        request: 'one CSV row',
        ratePerSecond,
        durationSeconds,
        rounds: ROUNDS,
        maxRateConnections: MAX_RATE_CONNECTIONS,
      },
      latencyMs: {
        direct: { p50: round3(p50.direct), p99: round3(p99.direct) },
        router: { p50: round3(p50.router), p99: round3(p99.router) },
      },
      maxRequestsPerSecond: maxRate,
      figures: {
        routerAddedP50Ms: addedP50Ms,
        routerAddedP99Ms: round3(p99.router - p99.direct),
        maxRateRatio: round3(maxRate.router / maxRate.direct),
      },
      goal: { routerAddedP50Ms: '< 1', met: addedP50Ms < 1 },
    };
  } finally {
    await endpoints.stop();
  }
}

function invoker(url: string): HttpInvoker {
  return createHttpInvoker({ url, body: BENCH_ROW_CSV, contentType: 'text/csv', timeoutMs: 5_000 });
}

async function warmUp(target: HttpInvoker): Promise<void> {
  for (let i = 0; i < 50; i++) await target.send();
}

/** Requests per second that a few connections sustain, each sending as soon as its last answer came. */
async function closedLoopRate(target: HttpInvoker): Promise<number> {
  const deadline = performance.now() + MAX_RATE_SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: MAX_RATE_CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        await target.send();
        done++;
      }
    }),
  );
  return Math.round(done / MAX_RATE_SECONDS);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
