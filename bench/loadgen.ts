import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { createHttpInvoker, runLoadTest } from '../src/loadtest';
import { machine, progress, round } from './bench-server';

/**
 * Rates climbed in turn, requests per second. A tool is not run again after
 * the first rate it fails to hold (a generator behind schedule only drains its
 * backlog for longer at higher rates), and the climb ends when both have failed.
 */
const RATES = [500, 1000, 2000, 4000, 8000, 16000, 32000, 64000];
/** A rate is held when the achieved rate is at least this share of it, with no errors. */
const HELD_SHARE = 0.97;
const DEFAULT_STEP_SECONDS = 3;
const REQUEST_TIMEOUT_MS = 2_000;
const BODY = '{"rows":[[1,2,3]]}';

interface Step {
  ratePerSecond: number;
  /** null: not run, having failed a lower rate. */
  ferry: StepFigures | null;
  autocannon: StepFigures | null;
}

interface StepFigures {
  achievedRatePerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  isHeld: boolean;
}

/**
 * loadgen (DESIGN.md §7): the highest request rate Ferry's open-loop
 * generator holds, against autocannon on the same target at the same rates.
 * The target answers at once from its own process, so what gives way first
 * is a generator. The two measure latency differently: ours from each
 * request's INTENDED send time (so a generator that falls behind is charged
 * for it), autocannon from the ACTUAL send, in whole milliseconds, with each
 * connection sending its share of a second's requests as soon as it may.
 * Ours also reports its own service time (from the actual send) to compare.
 */
export async function loadgen(args: string[]): Promise<unknown> {
  const stepSeconds = Number(args[0] ?? DEFAULT_STEP_SECONDS);
  if (!(stepSeconds >= 1 && stepSeconds <= 10))
    throw new Error(`loadgen: step length '${args[0]}' must be from 1 to 10 seconds`);
  const target = await startTarget();
  const url = `http://127.0.0.1:${target.port}/invocations`;
  const invoker = createHttpInvoker({
    url,
    body: BODY,
    contentType: 'application/json',
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const steps: Step[] = [];
  try {
    progress('warming up both generators...');
    await runOurs(invoker.send, 200, 1);
    await runAutocannon(url, 200, 1);
    for (const rate of RATES) {
      const last = steps.at(-1);
      const isFerryIn = last === undefined || last.ferry?.isHeld === true;
      const isAutocannonIn = last === undefined || last.autocannon?.isHeld === true;
      if (!isFerryIn && !isAutocannonIn) break;
      progress(`${rate}/s for ${stepSeconds} s`);
      steps.push({
        ratePerSecond: rate,
        ferry: isFerryIn ? await runOurs(invoker.send, rate, stepSeconds) : null,
        autocannon: isAutocannonIn ? await runAutocannon(url, rate, stepSeconds) : null,
      });
    }
  } finally {
    invoker.close();
    target.child.kill();
  }
  const highest = (tool: 'ferry' | 'autocannon') =>
    Math.max(0, ...steps.filter((s) => s[tool]?.isHeld === true).map((s) => s.ratePerSecond));
  const held = { ferry: highest('ferry'), autocannon: highest('autocannon') };
  const top = steps.find((s) => s.ratePerSecond === RATES.at(-1));
  return {
    benchmark: 'loadgen',
    machine: machine(),
    inputs: {
      target: 'a Node HTTP server in its own process on 127.0.0.1, answering 200 at once',
      request: `POST of ${BODY.length} bytes, kept-alive connections`,
      rates: steps.map((s) => s.ratePerSecond),
      stepSeconds,
      held: `achieved rate >= ${HELD_SHARE * 100}% of the intended rate, and 0 errors`,
      ferry:
        'runLoadTest, constant arrivals, createHttpInvoker; latency from the intended send time',
      autocannon: 'autocannon 9, overallRate = the step rate; latency from the actual send',
    },
    figures: {
      steps,
      highestHeldRatePerSecond: held,
      ratio: held.autocannon > 0 ? round(held.ferry / held.autocannon) : null,
      // A tool that held the top rate might hold more: its figure is then a lower bound.
      isLowerBound: {
        ferry: top?.ferry?.isHeld ?? false,
        autocannon: top?.autocannon?.isHeld ?? false,
      },
    },
  };
}

async function runOurs(
  send: (signal: AbortSignal) => Promise<void>,
  ratePerSecond: number,
  durationSeconds: number,
): Promise<StepFigures & { serviceP50Ms: number; serviceP99Ms: number; sendLagMsP99: number }> {
  const result = await runLoadTest(
    {
      arrival: 'constant',
      phases: [{ durationSeconds, ratePerSecond }],
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      seed: 1,
    },
    send,
  );
  return {
    achievedRatePerSecond: Math.round(result.achievedRatePerSecond),
    p50Ms: result.latencyMs.p50,
    p99Ms: result.latencyMs.p99,
    errors: result.errors,
    isHeld: isHeld(result.achievedRatePerSecond, ratePerSecond, result.errors),
    serviceP50Ms: result.serviceTimeMs.p50,
    serviceP99Ms: result.serviceTimeMs.p99,
    sendLagMsP99: result.sendLagMsP99,
  };
}

async function runAutocannon(
  url: string,
  ratePerSecond: number,
  durationSeconds: number,
): Promise<StepFigures & { connections: number }> {
  // Each connection waits for its answer before the next request (no
  // pipelining), so it needs a share of the rate it can keep up with: 100/s
  // each leaves 10 ms per request, several times the loopback p99 seen here.
  const connections = Math.max(10, Math.ceil(ratePerSecond / 100));
  const result = await autocannon({
    url,
    method: 'POST',
    body: BODY,
    headers: { 'content-type': 'application/json' },
    connections,
    overallRate: ratePerSecond,
    duration: durationSeconds,
    timeout: REQUEST_TIMEOUT_MS / 1000,
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  const achieved = result.requests.total / result.duration;
  return {
    achievedRatePerSecond: Math.round(achieved),
    p50Ms: result.latency.p50 ?? 0,
    p99Ms: result.latency.p99 ?? 0,
    errors,
    isHeld: isHeld(achieved, ratePerSecond, errors),
    connections,
  };
}

function isHeld(achievedPerSecond: number, intendedPerSecond: number, errors: number): boolean {
  return errors === 0 && achievedPerSecond >= intendedPerSecond * HELD_SHARE;
}

function startTarget(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(__dirname, 'loadgen-target.ts'), [], {
    execArgv: ['-r', 'tsx/cjs'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the loadgen target did not report its port within 15 s'));
    }, 15_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve({ child, port: message.port });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the loadgen target exited (code ${code}) before it served`));
    });
  });
}
