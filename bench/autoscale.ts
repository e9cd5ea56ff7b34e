import type { ScalingPolicy } from '../src/backends/hosting';
import { createHttpInvoker, runLoadTest } from '../src/loadtest';
import { BENCH_ROW_CSV, benchEndpoints } from './bench-endpoint';
import { machine, progress } from './bench-server';

const POLICY: ScalingPolicy = {
  minReplicas: 1,
  maxReplicas: 3,
  targetInvocationsPerReplica: 20,
  metricWindowSeconds: 2,
  scaleOutCooldownSeconds: 5,
  scaleInCooldownSeconds: 60,
  coldStartTimeoutSeconds: 60,
};
const BEFORE_STEP = { durationSeconds: 4, ratePerSecond: 4 };
const AFTER_STEP = { durationSeconds: 12, ratePerSecond: 40 };
const TRIALS = 2;

/**
 * autoscale (DESIGN.md §7): a load step on an endpoint with target tracking;
 * seconds from the step to the scale-out decision (the scaling log's entry)
 * and to the new replica serving (it is in the router's pool). Goals: under
 * 5 s and under 10 s. Each trial uses a fresh endpoint.
 */
export async function autoscale(): Promise<unknown> {
  const endpoints = await benchEndpoints();
  const trials: Trial[] = [];
  try {
    for (let trial = 1; trial <= TRIALS; trial++) {
      const name = `autoscale-${trial}`;
      const endpoint = await endpoints.deploy(name, POLICY, true);
      const target = createHttpInvoker({
        url: `${endpoint.url}/invocations`,
        body: BENCH_ROW_CSV,
        contentType: 'text/csv',
        timeoutMs: 10_000,
      });
      progress(
        `trial ${trial}: ${BEFORE_STEP.ratePerSecond}/s, then a step to ${AFTER_STEP.ratePerSecond}/s`,
      );
      const startedAt = Date.now();
      const stepAtMs = startedAt + BEFORE_STEP.durationSeconds * 1000;
      let servingAtMs: number | undefined;
      const watcher = setInterval(() => {
        void endpoints.hosting.describe(name).then((e) => {
          const ready = e?.replicas.filter((r) => r.state === 'ready').length ?? 0;
          if (ready > 1 && servingAtMs === undefined) servingAtMs = Date.now();
        });
      }, 100);
      const result = await runLoadTest(
        {
          arrival: 'constant',
          phases: [BEFORE_STEP, AFTER_STEP],
          requestTimeoutMs: 10_000,
          seed: trial,
        },
        target.send,
      );
      clearInterval(watcher);
      target.close();
      const activities = await endpoints.hosting.scalingActivities(name);
      const scaleOut = activities.find((a) => /scale out/.test(a.cause));
      const decisionAtMs = scaleOut ? Date.parse(scaleOut.at) : undefined;
      trials.push({
        trial,
        secondsToDecision: seconds(decisionAtMs, stepAtMs),
        secondsToServing: seconds(servingAtMs, stepAtMs),
        scaledTo: scaleOut?.toReplicas ?? 1,
        decision: scaleOut?.cause ?? 'no scale-out',
        loadTest: {
          sent: result.sent,
          errors: result.errors,
          p50Ms: result.latencyMs.p50,
          p99Ms: result.latencyMs.p99,
        },
      });
      await endpoints.hosting.delete(name);
    }
  } finally {
    await endpoints.stop();
  }
  const worst = (key: 'secondsToDecision' | 'secondsToServing') =>
    Math.max(...trials.map((t) => t[key] ?? Number.POSITIVE_INFINITY));
  return {
    benchmark: 'autoscale',
    machine: machine(),
    inputs: { policy: POLICY, beforeStep: BEFORE_STEP, afterStep: AFTER_STEP, trials: TRIALS },
    trials,
    figures: {
      worstSecondsToDecision: worst('secondsToDecision'),
      worstSecondsToServing: worst('secondsToServing'),
    },
    goal: {
      secondsToDecision: '< 5',
      secondsToServing: '< 10',
      met: worst('secondsToDecision') < 5 && worst('secondsToServing') < 10,
    },
  };
}

interface Trial {
  trial: number;
  secondsToDecision: number | null;
  secondsToServing: number | null;
  scaledTo: number;
  decision: string;
  loadTest: { sent: number; errors: number; p50Ms: number; p99Ms: number };
}

function seconds(atMs: number | undefined, fromMs: number): number | null {
  return atMs === undefined ? null : Math.round((atMs - fromMs) / 10) / 100;
}
