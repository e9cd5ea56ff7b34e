import type { TopLevelSpec } from 'vega-lite';
import { formatCount } from '../../text/numbers';
import type { RunReport } from '../run-report';
import { chartFigure } from './html-blocks';
import { trustedHtml, type Html } from './html-text';
import { leaderboardBars, leaderboardChartSpec, MAX_LEADERBOARD_BARS } from './leaderboard-chart';
import {
  isLatencyLogScale,
  latencyChartSpec,
  latencyPoints,
  requestRateChartSpec,
} from './load-test-charts';
import { replicaChartSpec, replicaTimeline } from './replica-chart';
import { sloP99LimitMs } from './slo-limit';
import { renderVegaLiteSvg, type WarningHandler } from './vega-svg';

/** The page's four charts as figures; null where the report has nothing to draw (the sections say why). */
export interface ReportCharts {
  leaderboard: Html | null;
  latency: Html | null;
  requestRate: Html | null;
  replicas: Html | null;
}

/** The `data-chart` names, for the page and for tests that look for each chart. */
export const CHART_NAMES = ['leaderboard', 'latency', 'request-rate', 'replicas'] as const;

/** Draws every chart the report has data for, in parallel. */
export async function renderReportCharts(
  report: RunReport,
  onWarning?: WarningHandler,
): Promise<ReportCharts> {
  const draw = async (name: string, spec: TopLevelSpec | null, caption: string) =>
    spec === null
      ? null
      : chartFigure(
          name,
          trustedHtml(await renderVegaLiteSvg(spec, { idPrefix: `chart-${name}`, onWarning })),
          caption,
        );
  const loadTest = report.loadTest;
  const timeline = replicaTimeline(report);
  const [leaderboard, latency, requestRate, replicas] = await Promise.all([
    draw('leaderboard', leaderboardChartSpec(report), leaderboardCaption(report)),
    loadTest
      ? draw('latency', latencyChartSpec(loadTest), latencyCaption(report))
      : Promise.resolve(null),
    loadTest
      ? draw(
          'request-rate',
          requestRateChartSpec(loadTest),
          'Requests sent, answered (ok) and failed in each second of the load test.',
        )
      : Promise.resolve(null),
    timeline
      ? draw('replicas', replicaChartSpec(timeline), replicaCaption(report))
      : Promise.resolve(null),
  ]);
  return { leaderboard, latency, requestRate, replicas };
}

function leaderboardCaption(report: RunReport): string {
  const scored = leaderboardBars(report).length;
  const unscored = report.leaderboard.length - scored;
  return [
    `${report.objective} of each scored candidate, rank 1 at the top: green is the chosen model, blue passed the gates, grey did not.`,
    ...(scored > MAX_LEADERBOARD_BARS
      ? [`The best ${MAX_LEADERBOARD_BARS} of ${scored} are drawn; the table has them all.`]
      : []),
    ...(unscored > 0
      ? [`${unscored} candidate(s) without a finite ${report.objective} are not drawn.`]
      : []),
  ].join(' ');
}

function latencyCaption(report: RunReport): string {
  const outcome = report.loadTest;
  const limitMs = outcome ? sloP99LimitMs(outcome.verdict) : null;
  const latencies = latencyPoints(outcome?.result.timeline ?? []).map((point) => point.ms);
  const scale = isLatencyLogScale(latencies, limitMs)
    ? ' The latency axis is logarithmic, as the limit is far above every latency measured.'
    : '';
  const limit =
    limitMs === null
      ? ' The report records no p99 limit for this run, so none is drawn.'
      : ` The dashed line is the SLO's p99 limit, ${limitMs} ms.`;
  return (
    'p50 and p99 latency of the requests due in each second, counted from when each request was due, ' +
    `so queueing shows in full.${limit}${scale} A second in which no request succeeded has no point.`
  );
}

function replicaCaption(report: RunReport): string {
  const moves = report.scaling.length;
  const activity =
    moves === 0
      ? 'The scaling log has no activity: the endpoint kept its size.'
      : `${formatCount(moves)} scaling ${moves === 1 ? 'activity' : 'activities'} from the scaling log (the table below has their causes).`;
  return `Replicas serving the endpoint from the deployment on; the shaded band is the load test. ${activity}`;
}
