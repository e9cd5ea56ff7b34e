import {
  createLatencyHistogram,
  percentileMs,
  recordLatencyMs,
  summarizeLatency,
} from '../../../src/loadtest/latency-histogram';

/** The nearest-rank percentile of sorted values: the smallest value with at least p% at or below it. */
function nearestRank(sorted: number[], percentile: number): number {
  // 0.999 × 1000 is 999.0000000000001 in floating point: rank 999, not 1000.
  const rank = Math.ceil((percentile / 100) * sorted.length - 1e-9);
  return sorted[Math.max(0, rank - 1)] ?? NaN;
}

describe('latency percentiles', () => {
  test('match a direct computation on 1..100 ms to 3 significant digits', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const histogram = createLatencyHistogram();
    for (const value of values) recordLatencyMs(histogram, value);
    const summary = summarizeLatency(histogram);
    for (const [percentile, observed] of [
      [50, summary.p50],
      [90, summary.p90],
      [99, summary.p99],
      [99.9, summary.p999],
    ] as const) {
      const expected = nearestRank(values, percentile);
      expect(Math.abs(observed - expected) / expected).toBeLessThan(0.001);
    }
    expect(summary.p50).toBeCloseTo(50, 1);
    expect(summary.p99).toBeCloseTo(99, 1);
    expect(summary.max).toBe(100);
    expect(summary.mean).toBeCloseTo(50.5, 1);
    expect(summary.count).toBe(100);
  });

  test('keep sub-millisecond latencies to the microsecond', () => {
    const histogram = createLatencyHistogram({ isCompact: true });
    for (const value of [0.351, 0.352, 0.353]) recordLatencyMs(histogram, value);
    expect(percentileMs(histogram, 50)).toBeCloseTo(0.352, 3);
    expect(summarizeLatency(histogram).max).toBeCloseTo(0.353, 3);
  });

  test('match a direct computation on a skewed sample', () => {
    // 990 fast answers and 10 slow ones: p99 is the last fast one, p99.9 a slow one.
    const values = [
      ...Array.from({ length: 990 }, (_, i) => 2 + i / 1000),
      ...Array.from({ length: 10 }, (_, i) => 500 + i),
    ].sort((a, b) => a - b);
    const histogram = createLatencyHistogram();
    for (const value of values) recordLatencyMs(histogram, value);
    for (const percentile of [50, 90, 99, 99.9]) {
      const expected = nearestRank(values, percentile);
      expect(Math.abs(percentileMs(histogram, percentile) - expected) / expected).toBeLessThan(
        0.001,
      );
    }
  });

  test('summarise an empty sample as zeros with count 0', () => {
    expect(summarizeLatency(createLatencyHistogram())).toEqual({
      p50: 0,
      p90: 0,
      p99: 0,
      p999: 0,
      max: 0,
      mean: 0,
      count: 0,
    });
  });
});
