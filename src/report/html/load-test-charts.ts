import type { TopLevelSpec } from 'vega-lite';
import type { LoadTimelinePoint } from '../../loadtest/load-types';
import type { LoadTestOutcome } from '../../workflows/release-definitions';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, COLORS } from './chart-style';
import { sloP99LimitMs } from './slo-limit';

/** The load test's per-second timeline as two charts: latency, and request counts. */

const X_TITLE = 'second of the load test (by intended send time)';

/** Points drawn on the lines while there are few enough to tell apart. */
const MAX_POINTS_SHOWN = 60;

/** A limit this many times the highest latency would flatten the lines on a linear axis. */
const LOG_SCALE_RATIO = 5;

/** The most ticks a time axis gets; fewer for a short test. */
const MAX_SECOND_TICKS = 16;

/**
 * Whole seconds on the time axis: a 6-second test should not read 0.4, 0.8, ...
 * (Vega-Lite 5 drops `tickMinStep`, so the tick count is capped at the span instead.)
 */
function secondAxis(timeline: readonly LoadTimelinePoint[]) {
  const seconds = timeline.map((point) => point.second);
  const span = Math.max(1, Math.max(...seconds) - Math.min(...seconds));
  return { tickCount: Math.min(MAX_SECOND_TICKS, span), format: 'd' };
}

function byTime(timeline: readonly LoadTimelinePoint[]): LoadTimelinePoint[] {
  return [...timeline].sort((a, b) => a.second - b.second);
}

/**
 * p50 and p99 of each second with a success, in time order. A second in
 * which no request succeeded has no latency (the timeline reports 0 ms), so
 * it is left out: a gap, not a false zero.
 */
export function latencyPoints(
  timeline: readonly LoadTimelinePoint[],
): { second: number; series: 'p50' | 'p99'; ms: number }[] {
  return byTime(timeline).flatMap((point) =>
    point.ok > 0
      ? [
          { second: point.second, series: 'p50' as const, ms: point.p50Ms },
          { second: point.second, series: 'p99' as const, ms: point.p99Ms },
        ]
      : [],
  );
}

/**
 * p50 and p99 per second as lines, the SLO's p99 limit as a dashed rule.
 * Null when the timeline is empty.
 */
export function latencyChartSpec({ result, verdict }: LoadTestOutcome): TopLevelSpec | null {
  if (result.timeline.length === 0) return null;
  const values = latencyPoints(result.timeline);
  const limitMs = sloP99LimitMs(verdict);
  const isLog = isLatencyLogScale(
    values.map((value) => value.ms),
    limitMs,
  );
  const scale = { type: isLog ? ('log' as const) : ('linear' as const) };
  const x = {
    field: 'second',
    type: 'quantitative' as const,
    title: X_TITLE,
    axis: secondAxis(result.timeline),
  };
  return {
    config: CHART_CONFIG,
    description: 'Load test latency per second: p50 and p99, with the SLO p99 limit',
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    layer: [
      {
        mark: {
          type: 'line',
          strokeWidth: 2,
          point: result.timeline.length <= MAX_POINTS_SHOWN,
        },
        encoding: {
          x,
          y: {
            field: 'ms',
            type: 'quantitative',
            title: isLog ? 'latency (ms, log scale)' : 'latency (ms)',
            scale,
          },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: ['p50', 'p99'], range: [COLORS.primary, COLORS.secondary] },
          },
        },
      },
      ...(limitMs === null
        ? []
        : [
            {
              data: { values: [{ limitMs, label: `SLO p99 ${limitMs} ms` }] },
              layer: [
                {
                  mark: { type: 'rule' as const, color: COLORS.limit, strokeDash: [6, 4] },
                  encoding: { y: { field: 'limitMs', type: 'quantitative' as const, scale } },
                },
                {
                  mark: {
                    type: 'text' as const,
                    color: COLORS.limit,
                    align: 'right' as const,
                    baseline: 'bottom' as const,
                    dy: -3,
                  },
                  encoding: {
                    x: { value: CHART_WIDTH },
                    y: { field: 'limitMs', type: 'quantitative' as const, scale },
                    text: { field: 'label', type: 'nominal' as const },
                  },
                },
              ],
            },
          ]),
    ],
  };
}

/**
 * Whether the latency axis is logarithmic: when the SLO limit is far above
 * every measured latency (a generous SLO, a fast endpoint), so both the
 * lines and the limit stay readable. Log needs positive values throughout.
 */
export function isLatencyLogScale(latenciesMs: readonly number[], limitMs: number | null): boolean {
  if (limitMs === null || latenciesMs.length === 0) return false;
  if (latenciesMs.some((ms) => !(ms > 0))) return false;
  return limitMs > LOG_SCALE_RATIO * Math.max(...latenciesMs);
}

/**
 * Requests sent, answered and failed per second, as lines; "sent" dashed and
 * drawn last, so it still shows where every request succeeded and "ok" lies
 * on it. Null when the timeline is empty.
 */
export function requestRateChartSpec({ result }: LoadTestOutcome): TopLevelSpec | null {
  if (result.timeline.length === 0) return null;
  const values = byTime(result.timeline).flatMap((point) => [
    { second: point.second, series: 'sent', requests: point.sent },
    { second: point.second, series: 'ok', requests: point.ok },
    { second: point.second, series: 'errors', requests: point.errors },
  ]);
  const encoding = {
    x: {
      field: 'second',
      type: 'quantitative' as const,
      title: X_TITLE,
      axis: secondAxis(result.timeline),
    },
    y: { field: 'requests', type: 'quantitative' as const, title: 'requests per second' },
    color: {
      field: 'series',
      type: 'nominal' as const,
      title: null,
      scale: {
        domain: ['sent', 'ok', 'errors'],
        range: [COLORS.neutral, COLORS.good, COLORS.bad],
      },
    },
  };
  const point = result.timeline.length <= MAX_POINTS_SHOWN;
  return {
    config: CHART_CONFIG,
    description: 'Load test requests per second: sent, ok and errors',
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.series !== 'sent'" }],
        mark: { type: 'line', strokeWidth: 2, point },
        encoding,
      },
      {
        transform: [{ filter: "datum.series === 'sent'" }],
        mark: { type: 'line', strokeWidth: 2, strokeDash: [6, 4], point },
        encoding,
      },
    ],
  };
}
