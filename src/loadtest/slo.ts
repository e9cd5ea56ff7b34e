import type { z } from 'zod';
import type { sloSchema } from '../config/pipeline-schema';
import { formatPercent } from '../text/numbers';
import type { LoadTestResult, SloBreach, SloVerdict } from './load-types';

/** The SLO section of a pipeline file's loadTest, defaults applied. */
export type LoadSlo = z.output<typeof sloSchema>;

/**
 * Holds a load test to its SLO: p99 latency (from intended send time) at or
 * under latencyP99Ms, error rate at or under maxErrorRate. A run in which no
 * request succeeded breaches the latency figure too: with no latency measured
 * there is no evidence that it was met, and a dead endpoint must not pass.
 */
export function judgeSlo(
  result: Pick<LoadTestResult, 'latencyMs' | 'errorRate' | 'ok'>,
  slo: LoadSlo,
): SloVerdict {
  const breaches: SloBreach[] = [];
  const p99Ms = result.latencyMs.p99;
  const hasLatency = result.ok > 0 && result.latencyMs.count > 0;

  if (!hasLatency) {
    breaches.push({
      figure: 'latencyP99Ms',
      observed: null,
      limit: slo.latencyP99Ms,
      message: `no request succeeded, so there is no p99 latency to hold against the SLO's ${formatMs(slo.latencyP99Ms)}`,
    });
  } else if (p99Ms > slo.latencyP99Ms) {
    breaches.push({
      figure: 'latencyP99Ms',
      observed: p99Ms,
      limit: slo.latencyP99Ms,
      message: `p99 latency ${formatMs(p99Ms, slo.latencyP99Ms)} is over the SLO's ${formatMs(slo.latencyP99Ms)}`,
    });
  }
  if (result.errorRate > slo.maxErrorRate) {
    breaches.push({
      figure: 'errorRate',
      observed: result.errorRate,
      limit: slo.maxErrorRate,
      message: `error rate ${formatPercent(result.errorRate)} is over the SLO's ${formatPercent(slo.maxErrorRate)}`,
    });
  }

  const summary =
    breaches.length > 0
      ? breaches.map((breach) => breach.message).join('; ')
      : `passed: p99 ${formatMs(p99Ms)} <= ${formatMs(slo.latencyP99Ms)}, ` +
        `errors ${formatPercent(result.errorRate)} <= ${formatPercent(slo.maxErrorRate)}`;
  return {
    passed: breaches.length === 0,
    slo: { latencyP99Ms: slo.latencyP99Ms, maxErrorRate: slo.maxErrorRate },
    breaches,
    summary,
  };
}

/**
 * One decimal, without a trailing ".0" for whole numbers: "412.3 ms", "250 ms".
 * Against `limit`, more decimals where one would make a breach read as equal
 * ("250.04 ms is over 250 ms", not "250 ms is over 250 ms").
 */
function formatMs(ms: number, limit?: number): string {
  const short = Number(ms.toFixed(1));
  return `${limit !== undefined && short <= limit ? Number(ms.toFixed(3)) : short} ms`;
}
