import type { LatencySummaryMs, LoadTestResult } from '../../../src/loadtest/load-types';
import { judgeSlo } from '../../../src/loadtest/slo';

const slo = { latencyP99Ms: 250, maxErrorRate: 0.01 };

function latency(p99: number, count: number): LatencySummaryMs {
  return { p50: p99 / 4, p90: p99 / 2, p99, p999: p99, max: p99, mean: p99 / 4, count };
}

function result(
  p99Ms: number,
  errorRate: number,
  ok = 1000,
): Pick<LoadTestResult, 'latencyMs' | 'errorRate' | 'ok'> {
  return { latencyMs: latency(p99Ms, ok), errorRate, ok };
}

describe('judgeSlo', () => {
  test('passes a run within both figures and says by how much', () => {
    const verdict = judgeSlo(result(41.2, 0), slo);
    expect(verdict.passed).toBe(true);
    expect(verdict.breaches).toEqual([]);
    expect(verdict.summary).toBe('passed: p99 41.2 ms <= 250 ms, errors 0.00% <= 1.00%');
  });

  test('passes a run exactly at the limits', () => {
    expect(judgeSlo(result(250, 0.01), slo).passed).toBe(true);
  });

  test('fails a p99 over the limit, naming the observed value and the limit', () => {
    const verdict = judgeSlo(result(412.34, 0.001), slo);
    expect(verdict.passed).toBe(false);
    expect(verdict.breaches).toEqual([
      expect.objectContaining({ figure: 'latencyP99Ms', observed: 412.34, limit: 250 }),
    ]);
    expect(verdict.summary).toBe("p99 latency 412.3 ms is over the SLO's 250 ms");
  });

  test('shows enough digits that a narrow breach does not read as equal', () => {
    expect(judgeSlo(result(250.04, 0), slo).summary).toBe(
      "p99 latency 250.04 ms is over the SLO's 250 ms",
    );
  });

  test('fails an error rate over the limit', () => {
    const verdict = judgeSlo(result(100, 0.05), slo);
    expect(verdict.passed).toBe(false);
    expect(verdict.breaches).toEqual([
      expect.objectContaining({ figure: 'errorRate', observed: 0.05, limit: 0.01 }),
    ]);
    expect(verdict.summary).toBe("error rate 5.00% is over the SLO's 1.00%");
  });

  test('names both figures when both are breached', () => {
    const verdict = judgeSlo(result(300, 0.2), slo);
    expect(verdict.breaches.map((breach) => breach.figure)).toEqual(['latencyP99Ms', 'errorRate']);
    expect(verdict.summary).toBe(
      "p99 latency 300 ms is over the SLO's 250 ms; error rate 20.00% is over the SLO's 1.00%",
    );
  });

  test('fails the latency figure of a run with no successful request, for lack of evidence', () => {
    // Even with an error budget of 100%, a dead endpoint must not pass.
    const verdict = judgeSlo(result(0, 1, 0), { latencyP99Ms: 250, maxErrorRate: 1 });
    expect(verdict.passed).toBe(false);
    expect(verdict.breaches).toEqual([
      expect.objectContaining({ figure: 'latencyP99Ms', observed: null, limit: 250 }),
    ]);
    expect(verdict.summary).toMatch(/no request succeeded/);
  });

  test('prints a tiny breach of a zero error budget as non-zero', () => {
    const verdict = judgeSlo(result(10, 0.00005), { latencyP99Ms: 250, maxErrorRate: 0 });
    expect(verdict.summary).toBe("error rate 0.005% is over the SLO's 0.00%");
  });
});
