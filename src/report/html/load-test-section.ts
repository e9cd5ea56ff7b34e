import type { LatencySummaryMs, SloBreach } from '../../loadtest/load-types';
import type { LoadTestOutcome } from '../../workflows/release-definitions';
import {
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
} from '../markdown-format';
import { notDeployedWhy } from '../render-release';
import type { RunReport } from '../run-report';
import { bucketTimeline, MAX_TIMELINE_ROWS } from '../timeline-buckets';
import {
  badge,
  details,
  emptyNote,
  htmlTable,
  paragraph,
  section,
  subheading,
  type Align,
} from './html-blocks';
import { markup, type Html } from './html-text';

/** A sample longer than this is cut on the page; report.json keeps it whole. */
const SAMPLE_MAX_CHARS = 1500;

export interface LoadTestCharts {
  latency: Html | null;
  requestRate: Html | null;
}

/** The Load test section: SLO verdict, percentiles, the two timeline charts, phases, errors, sample. */
export function loadTestSection(report: RunReport, charts: LoadTestCharts): Html {
  const outcome = report.loadTest;
  if (!outcome) {
    const why = report.deployment
      ? 'No load test: the run deployed but recorded none'
      : `No load test and no load charts: not deployed, as ${notDeployedWhy(report)}`;
    return section('load-test', 'Load test', [emptyNote(why)]);
  }
  return section('load-test', 'Load test', [
    verdict(outcome),
    subheading('Latency percentiles'),
    overall(outcome),
    subheading('Over time'),
    charts.latency ?? emptyNote('No timeline was recorded, so there is no latency chart'),
    charts.requestRate,
    details('The per-second timeline as a table', timelineTable(outcome)),
    subheading('Phases'),
    phases(outcome),
    subheading('Errors by kind'),
    errors(outcome),
    details('The sample request sent before the load', sample(outcome)),
  ]);
}

function verdict({ verdict }: LoadTestOutcome): Html {
  // A passing summary starts "passed: ", which the badge already says.
  const figures = verdict.summary.replace(/^passed:\s*/, '');
  const line = markup`<p class="verdict">
    SLO verdict: ${badge(verdict.passed, verdict.passed ? 'passed' : 'failed')} ${figures}
  </p>`;
  if (verdict.breaches.length === 0) return line;
  const breaches = htmlTable(
    ['figure', 'observed', 'limit', 'breach'],
    verdict.breaches.map((breach) => [
      breach.figure,
      formatFigure(breach, breach.observed),
      formatFigure(breach, breach.limit),
      breach.message,
    ]),
    ['left', 'right', 'right', 'left'],
  );
  return markup`${line}${breaches}`;
}

function formatFigure(breach: SloBreach, value: number | null): string {
  if (value === null) return 'none';
  return breach.figure === 'errorRate' ? formatPercent(value) : formatMs(value);
}

function overall({ result }: LoadTestOutcome): Html {
  const counts = paragraph(
    `Sent ${formatCount(result.sent)} of ${formatCount(result.scheduled)} scheduled requests ` +
      `(${result.arrival} arrivals): ${formatCount(result.ok)} ok, ${formatCount(result.errors)} errors ` +
      `(error rate ${formatPercent(result.errorRate)}). Achieved ${formatRate(result.achievedRatePerSecond)} ` +
      `over ${formatDuration(result.durationMs)} (schedule ${formatDuration(result.scheduledDurationMs)}); ` +
      `at most ${formatCount(result.maxInFlight)} in flight; the generator sent late by ${formatMs(result.sendLagMsP99)} at p99.`,
  );
  const row = (name: string, latency: LatencySummaryMs) => [
    name,
    ...[latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.mean].map(
      formatMs,
    ),
    formatCount(latency.count),
  ];
  const table = htmlTable(
    ['latency', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'requests'],
    [
      row('from intended send time', result.latencyMs),
      row('service time (from actual send)', result.serviceTimeMs),
    ],
    ['left', ...rightAligned(7)],
  );
  const note = markup`<p class="note">
    Latency counts from when each request was due, so a stalled server or generator shows in full;
    service time is what a closed-loop client would report.
  </p>`;
  return markup`${counts}${table}${note}`;
}

function phases({ result }: LoadTestOutcome): Html {
  if (result.phases.length === 0) return emptyNote('No phases were recorded');
  return htmlTable(
    ['phase', 'start', 'duration', 'scheduled', 'sent', 'ok', 'errors', 'p50', 'p99', 'max'],
    result.phases.map((phase) => [
      phase.name,
      `${phase.startSecond} s`,
      `${phase.durationSeconds} s`,
      formatCount(phase.scheduled),
      formatCount(phase.sent),
      formatCount(phase.ok),
      formatCount(phase.errors),
      formatMs(phase.latencyMs.p50),
      formatMs(phase.latencyMs.p99),
      formatMs(phase.latencyMs.max),
    ]),
    ['left', ...rightAligned(9)],
  );
}

function errors({ result }: LoadTestOutcome): Html {
  const kinds = Object.entries(result.errorsByKind)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  if (kinds.length === 0) return emptyNote('No errors');
  return htmlTable(
    ['kind', 'errors', 'share of sent'],
    kinds.map(([kind, count]) => [
      kind,
      formatCount(count),
      formatPercent(result.sent > 0 ? count / result.sent : 0),
    ]),
    ['left', 'right', 'right'],
  );
}

function timelineTable({ result }: LoadTestOutcome): Html {
  const { bucketSeconds, rows } = bucketTimeline(result.timeline, MAX_TIMELINE_ROWS);
  if (rows.length === 0) return emptyNote('No timeline was recorded');
  const note =
    bucketSeconds === 1
      ? 'One row per second of intended send time.'
      : `One row per ${bucketSeconds} s of intended send time; p50 and p99 are the worst second in each row.`;
  const table = htmlTable(
    ['second', 'sent', 'ok', 'errors', 'p50', 'p99'],
    rows.map((row) => [
      row.fromSecond === row.toSecond
        ? String(row.fromSecond)
        : `${row.fromSecond}–${row.toSecond}`,
      formatCount(row.sent),
      formatCount(row.ok),
      formatCount(row.errors),
      formatMs(row.ok > 0 ? row.p50Ms : null),
      formatMs(row.ok > 0 ? row.p99Ms : null),
    ]),
    rightAligned(6),
  );
  return markup`${paragraph(note)}${table}`;
}

function sample({ sample }: LoadTestOutcome): Html {
  return markup`${paragraph(`Sent as ${sample.contentType} before the load:`)}
    <pre>${pretty(sample.request)}</pre>
    ${paragraph('Answer:')}
    <pre>${pretty(sample.response)}</pre>`;
}

/** JSON is indented for reading; anything else is shown as sent. */
function pretty(text: string): string {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON (CSV, or an error page): show it as it is.
  }
  if (shown.length <= SAMPLE_MAX_CHARS) return shown;
  return `${shown.slice(0, SAMPLE_MAX_CHARS)}\n... (${formatCount(shown.length - SAMPLE_MAX_CHARS)} more characters in report.json)`;
}

function rightAligned(count: number): Align[] {
  return Array.from({ length: count }, () => 'right' as const);
}
