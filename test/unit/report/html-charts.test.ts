import type { SloVerdict } from '../../../src/loadtest/load-types';
import { buildRunReport } from '../../../src/report';
import { escapeHtml, markup, trustedHtml } from '../../../src/report/html/html-text';
import {
  leaderboardBars,
  leaderboardChartSpec,
  MAX_LEADERBOARD_BARS,
} from '../../../src/report/html/leaderboard-chart';
import { isLatencyLogScale, latencyChartSpec } from '../../../src/report/html/load-test-charts';
import { replicaTimeline } from '../../../src/report/html/replica-chart';
import { sloP99LimitMs } from '../../../src/report/html/slo-limit';
import { at, DEPLOYED_SCALING, deployedResult, rejectedResult, reportInput } from './run-fixtures';

describe('markup', () => {
  test('escapes interpolated text but keeps Html fragments as they are', () => {
    const cell = markup`<td>${'a < b & "c"'}</td>`;
    expect(markup`<tr>${cell}${[cell]}</tr>`.text).toBe(
      '<tr><td>a &lt; b &amp; &quot;c&quot;</td><td>a &lt; b &amp; &quot;c&quot;</td></tr>',
    );
    expect(escapeHtml("it's")).toBe('it&#39;s');
    expect(markup`${trustedHtml('<svg/>')}${null}${3}`.text).toBe('<svg/>3');
  });
});

describe('replicaTimeline', () => {
  test('steps from the first activity’s fromReplicas through each activity to the end', () => {
    const timeline = replicaTimeline(
      buildRunReport(reportInput(deployedResult(), DEPLOYED_SCALING)),
    );
    // Deployed at 60 s; scaled 1 → 3 at 75 s and 3 → 1 at 130 s; the load test ran 60–70 s.
    expect(timeline).toEqual({
      points: [
        { seconds: 0, replicas: 1, isChange: true },
        { seconds: 15, replicas: 3, isChange: true },
        { seconds: 70, replicas: 1, isChange: true },
      ],
      loadTest: { fromSeconds: 0, toSeconds: 10 },
      minReplicas: 1,
      maxReplicas: 4,
    });
  });

  test('starts at what the endpoint really had, not the deployment’s count', () => {
    const scaling = [
      { at: at(62), endpoint: 'churn', fromReplicas: 2, toReplicas: 4, cause: 'scale out' },
    ];
    const timeline = replicaTimeline(buildRunReport(reportInput(deployedResult(), scaling)));
    expect(timeline?.points).toEqual([
      { seconds: 0, replicas: 2, isChange: true },
      { seconds: 2, replicas: 4, isChange: true },
      { seconds: 10, replicas: 4, isChange: false },
    ]);
  });

  test('holds the deployment’s count to the end of the load test when nothing scaled', () => {
    const timeline = replicaTimeline(buildRunReport(reportInput(deployedResult())));
    expect(timeline?.points).toEqual([
      { seconds: 0, replicas: 1, isChange: true },
      { seconds: 10, replicas: 1, isChange: false },
    ]);
  });

  test('is null for a run that deployed nothing', () => {
    expect(replicaTimeline(buildRunReport(reportInput(rejectedResult())))).toBeNull();
  });
});

describe('sloP99LimitMs', () => {
  test('is the limit the load test was judged against, passed or not', () => {
    const verdict = (passed: boolean): SloVerdict => ({
      passed,
      slo: { latencyP99Ms: 250, maxErrorRate: 0.01 },
      breaches: [],
      summary: 'x',
    });
    expect(sloP99LimitMs(verdict(true))).toBe(250);
    expect(sloP99LimitMs(verdict(false))).toBe(250);
  });
});

describe('chart data', () => {
  test('the leaderboard has one bar per scored candidate, in rank order, the chosen one marked', () => {
    const bars = leaderboardBars(buildRunReport(reportInput(deployedResult())));
    expect(bars.map((bar) => [bar.label, bar.status, bar.valueText])).toEqual([
      ['c02 (xgboost)', 'chosen', '0.8123'],
      ['c01 (random_forest)', 'ranked', '0.7000'],
      ['c03 (xgboost)', 'ranked', '0.6100'],
    ]);
  });

  test('a large search draws only the best candidates, so the chart fits a screen', () => {
    const result = deployedResult();
    const template = result.leaderboard[0];
    if (!template) throw new Error('the deployed fixture has a leaderboard');
    result.leaderboard = Array.from({ length: 40 }, (_, i) => ({
      ...template,
      id: `c${String(i + 1).padStart(2, '0')}`,
      rank: i + 1,
      objectiveValue: 0.9 - i / 100,
    }));
    const spec = leaderboardChartSpec(buildRunReport(reportInput(result)));
    const values = (spec as { data: { values: { rank: number }[] } }).data.values;
    expect(values.map((bar) => bar.rank)).toEqual(
      Array.from({ length: MAX_LEADERBOARD_BARS }, (_, i) => i + 1),
    );
  });

  test('a second without a successful request leaves a gap in the latency lines', () => {
    const outcome = deployedResult().release?.loadTest;
    if (!outcome) throw new Error('the deployed fixture has a load test');
    const [first, ...rest] = outcome.result.timeline;
    if (!first) throw new Error('the deployed fixture has a timeline');
    outcome.result.timeline = [
      { ...first, ok: 0, errors: first.sent, p50Ms: 0, p99Ms: 0 },
      ...rest,
    ];
    const spec = latencyChartSpec(outcome);
    const values = (spec as { data: { values: { second: number }[] } }).data.values;
    expect(values.some((value) => value.second === first.second)).toBe(false);
    expect(values).toHaveLength(rest.length * 2);
  });

  test('the latency axis turns logarithmic only when the limit would flatten the lines', () => {
    expect(isLatencyLogScale([20, 65], 3000)).toBe(true);
    expect(isLatencyLogScale([20, 50], 250)).toBe(false);
    expect(isLatencyLogScale([20, 50], null)).toBe(false);
    // Log has no zero: a 0 ms latency keeps the axis linear.
    expect(isLatencyLogScale([0, 50], 3000)).toBe(false);
  });
});
