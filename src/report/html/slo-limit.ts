import type { SloVerdict } from '../../loadtest/load-types';

/** The SLO's p99 limit in ms, drawn as a rule on the latency chart. */
export function sloP99LimitMs(verdict: SloVerdict): number {
  return verdict.slo.latencyP99Ms;
}
