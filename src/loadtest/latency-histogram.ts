import * as hdr from 'hdr-histogram-js';
import type { LatencySummaryMs } from './load-types';

/**
 * Latency percentiles from HdrHistogram: constant memory however many
 * requests, and every value kept to 3 significant digits. Values are
 * recorded in whole microseconds so that a 0.35 ms loopback answer keeps
 * its digits (in milliseconds it would round to 0).
 */

export type LatencyHistogram = hdr.Histogram;

/** An hour in microseconds; longer values still record (the histogram grows). */
const HIGHEST_EXPECTED_US = 3_600_000_000;

/**
 * `isCompact` trades a little recording speed for memory: a packed histogram
 * costs a few hundred bytes until it fills, which matters for the one-per-second
 * timeline (a plain one is ~90 KB at this range and precision).
 */
export function createLatencyHistogram(options: { isCompact?: boolean } = {}): LatencyHistogram {
  return hdr.build({
    bitBucketSize: options.isCompact ? 'packed' : 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_EXPECTED_US,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

export function recordLatencyMs(histogram: LatencyHistogram, latencyMs: number): void {
  histogram.recordValue(Math.max(0, Math.round(latencyMs * 1000)));
}

/** The value at `percentile` (0-100) in ms; 0 for an empty histogram. */
export function percentileMs(histogram: LatencyHistogram, percentile: number): number {
  if (histogram.totalCount === 0) return 0;
  // HdrHistogram answers with the top of the value's bucket (up to 0.1% high);
  // the exact maximum it also keeps is a tighter bound for the top percentiles.
  return toMs(Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue));
}

export function summarizeLatency(histogram: LatencyHistogram): LatencySummaryMs {
  const count = histogram.totalCount;
  if (count === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  return {
    p50: percentileMs(histogram, 50),
    p90: percentileMs(histogram, 90),
    p99: percentileMs(histogram, 99),
    p999: percentileMs(histogram, 99.9),
    max: toMs(histogram.maxValue),
    mean: toMs(histogram.mean),
    count,
  };
}

/** Microseconds to milliseconds, kept to the microsecond (the histogram holds no finer digits). */
function toMs(microseconds: number): number {
  return Math.round(microseconds) / 1000;
}
