import type { TopLevelSpec } from 'vega-lite';
import type { RunReport } from '../run-report';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, COLORS } from './chart-style';

export interface ReplicaPoint {
  /** Seconds since the deployment. */
  seconds: number;
  replicas: number;
  /** A scaling activity (or the start), as opposed to the closing point at the end of the chart. */
  isChange: boolean;
}

export interface ReplicaTimeline {
  points: ReplicaPoint[];
  /** When the load test ran, in seconds since the deployment; null when the report has no step times for it. */
  loadTest: { fromSeconds: number; toSeconds: number } | null;
  minReplicas: number | null;
  maxReplicas: number | null;
}

/**
 * The endpoint's replica count from the deployment to the end of the load
 * test (or the last scaling activity, if later: the log holds every move up
 * to the report), rebuilt from the scaling log. It starts at the first
 * activity's `fromReplicas`, which is what the endpoint really had; with no
 * activity, at the deployment's count. Null when nothing was deployed.
 */
export function replicaTimeline(report: RunReport): ReplicaTimeline | null {
  const deployment = report.deployment;
  if (!deployment) return null;
  const startMs = Date.parse(deployment.deployedAt);
  const since = (iso: string | null) => {
    const ms = iso === null ? NaN : Date.parse(iso);
    return Number.isFinite(ms) && Number.isFinite(startMs)
      ? Math.max(0, (ms - startMs) / 1000)
      : null;
  };

  const step = report.steps.find((s) => s.step === 'loadTest');
  const from = since(step?.startedAt ?? null);
  const to = since(step?.endedAt ?? null);
  const loadTest = from !== null && to !== null ? { fromSeconds: from, toSeconds: to } : null;

  const first = report.scaling[0];
  const initial = first?.fromReplicas ?? report.autoscaling?.replicas ?? deployment.replicas;
  const points: ReplicaPoint[] = [{ seconds: 0, replicas: initial, isChange: true }];
  for (const activity of report.scaling) {
    points.push({
      seconds: since(activity.at) ?? 0,
      replicas: activity.toReplicas,
      isChange: true,
    });
  }
  const last = points[points.length - 1] ?? { seconds: 0, replicas: initial };
  // Without a load-test end, the report's own time closes the line: the scaling log was read then.
  const endSeconds = Math.max(
    last.seconds,
    loadTest?.toSeconds ?? since(report.generatedAt) ?? last.seconds,
  );
  if (endSeconds > last.seconds) {
    points.push({ seconds: endSeconds, replicas: last.replicas, isChange: false });
  }
  const policy = report.autoscaling?.policy;
  return {
    points,
    loadTest,
    minReplicas: policy?.minReplicas ?? null,
    maxReplicas: policy?.maxReplicas ?? null,
  };
}

/**
 * Replicas over time as a step line (a count holds until the next activity),
 * the load test's window shaded, the policy's min and max as dotted rules.
 */
export function replicaChartSpec(timeline: ReplicaTimeline): TopLevelSpec {
  const x = {
    field: 'seconds',
    type: 'quantitative' as const,
    title: 'seconds since the deployment',
  };
  const limits = [
    ...(timeline.maxReplicas === null
      ? []
      : [{ replicas: timeline.maxReplicas, label: `max ${timeline.maxReplicas}` }]),
    ...(timeline.minReplicas === null
      ? []
      : [{ replicas: timeline.minReplicas, label: `min ${timeline.minReplicas}` }]),
  ];
  const top = Math.max(1, timeline.maxReplicas ?? 0, ...timeline.points.map((p) => p.replicas));
  const y = {
    field: 'replicas',
    type: 'quantitative' as const,
    title: 'replicas',
    scale: { domain: [0, top + 0.5] },
    // Whole replicas only (Vega-Lite 5 drops `tickMinStep`, so the ticks are listed).
    axis: { values: wholeTicks(top), format: 'd' },
  };
  const window = timeline.loadTest;
  return {
    config: CHART_CONFIG,
    description: 'Endpoint replicas over time, from the scaling log',
    width: CHART_WIDTH,
    height: CHART_HEIGHT * 0.8,
    layer: [
      ...(window === null
        ? []
        : [
            {
              data: { values: [{ ...window, label: 'load test' }] },
              layer: [
                {
                  mark: { type: 'rect' as const, color: COLORS.window, opacity: 0.12 },
                  encoding: { x: { ...x, field: 'fromSeconds' }, x2: { field: 'toSeconds' } },
                },
                {
                  mark: {
                    type: 'text' as const,
                    color: COLORS.window,
                    align: 'left' as const,
                    baseline: 'top' as const,
                    dx: 4,
                    dy: 4,
                  },
                  encoding: {
                    x: { ...x, field: 'fromSeconds' },
                    y: { value: 0 },
                    text: { field: 'label', type: 'nominal' as const },
                  },
                },
              ],
            },
          ]),
      ...(limits.length === 0
        ? []
        : [
            {
              data: { values: limits },
              layer: [
                {
                  mark: { type: 'rule' as const, color: COLORS.neutral, strokeDash: [2, 3] },
                  encoding: { y },
                },
                {
                  mark: {
                    type: 'text' as const,
                    color: '#666',
                    align: 'right' as const,
                    baseline: 'bottom' as const,
                    dy: -2,
                  },
                  encoding: {
                    x: { value: CHART_WIDTH },
                    y,
                    text: { field: 'label', type: 'nominal' as const },
                  },
                },
              ],
            },
          ]),
      {
        data: { values: timeline.points },
        layer: [
          {
            mark: {
              type: 'line' as const,
              interpolate: 'step-after' as const,
              strokeWidth: 2.5,
              color: COLORS.primary,
            },
            encoding: { x, y },
          },
          {
            transform: [{ filter: 'datum.isChange' }],
            mark: { type: 'point' as const, filled: true, size: 40, color: COLORS.primary },
            encoding: { x, y },
          },
        ],
      },
    ],
  };
}

/** 0..top, thinned to at most about ten ticks. */
function wholeTicks(top: number): number[] {
  const step = Math.max(1, Math.ceil(top / 10));
  return Array.from({ length: Math.floor(top / step) + 1 }, (_, i) => i * step);
}
