import type { LatencySummaryMs, SloBreach } from '../loadtest/load-types';
import type { LoadTestOutcome } from '../workflows/release-definitions';
import {
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
} from './markdown-format';
import { emptyNote, markdownTable, type Align } from './markdown-table';
import { notDeployedWhy } from './render-release';
import type { RunReport } from './run-report';
import { bucketTimeline, MAX_TIMELINE_ROWS } from './timeline-buckets';

/** A sample longer than this is cut in the Markdown; report.json keeps it whole. */
const SAMPLE_MAX_CHARS = 1500;

/** The Load test section: verdict, overall figures, phases, errors, timeline, sample. */
export function renderLoadTest(report: RunReport): string {
  const outcome = report.loadTest;
  if (!outcome) {
    return report.deployment
      ? emptyNote('No load test: the run deployed but recorded none')
      : emptyNote(`No load test: not deployed, as ${notDeployedWhy(report)}`);
  }
  return [
    renderVerdict(outcome),
    `### Overall\n\n${renderOverall(outcome)}`,
    `### Phases\n\n${renderPhases(outcome)}`,
    `### Errors by kind\n\n${renderErrors(outcome)}`,
    `### Timeline\n\n${renderTimeline(outcome)}`,
    `### Sample request\n\n${renderSample(outcome)}`,
  ].join('\n\n');
}

function renderVerdict({ verdict }: LoadTestOutcome): string {
  // A passing summary starts "passed: ", which the bold verdict already says.
  const figures = verdict.summary.replace(/^passed:\s*/, '');
  const line = `SLO verdict: **${verdict.passed ? 'passed' : 'failed'}**: ${figures}`;
  if (verdict.breaches.length === 0) return line;
  const breaches = markdownTable(
    ['figure', 'observed', 'limit', 'breach'],
    verdict.breaches.map((breach) => [
      breach.figure,
      formatFigure(breach, breach.observed),
      formatFigure(breach, breach.limit),
      breach.message,
    ]),
    ['left', 'right', 'right', 'left'],
  );
  return `${line}\n\n${breaches}`;
}

function formatFigure(breach: SloBreach, value: number | null): string {
  if (value === null) return 'none';
  return breach.figure === 'errorRate' ? formatPercent(value) : formatMs(value);
}

function renderOverall({ result }: LoadTestOutcome): string {
  const counts =
    `Sent ${formatCount(result.sent)} of ${formatCount(result.scheduled)} scheduled requests ` +
    `(${result.arrival} arrivals): ${formatCount(result.ok)} ok, ${formatCount(result.errors)} errors ` +
    `(error rate ${formatPercent(result.errorRate)}). Achieved ${formatRate(result.achievedRatePerSecond)} ` +
    `over ${formatDuration(result.durationMs)} (schedule ${formatDuration(result.scheduledDurationMs)}); ` +
    `at most ${formatCount(result.maxInFlight)} in flight; the generator sent late by ${formatMs(result.sendLagMsP99)} at p99.`;
  const row = (name: string, latency: LatencySummaryMs) => [
    name,
    ...[latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.mean].map(
      formatMs,
    ),
    formatCount(latency.count),
  ];
  const table = markdownTable(
    ['latency', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'requests'],
    [
      row('from intended send time', result.latencyMs),
      row('service time (from actual send)', result.serviceTimeMs),
    ],
    ['left', ...rightAligned(7)],
  );
  const note =
    'Latency counts from when each request was due, so a stalled server or generator shows in full; ' +
    'service time is what a closed-loop client would report.';
  return `${counts}\n\n${table}\n\n${note}`;
}

function renderPhases({ result }: LoadTestOutcome): string {
  if (result.phases.length === 0) return emptyNote('No phases were recorded');
  return markdownTable(
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

function renderErrors({ result }: LoadTestOutcome): string {
  const kinds = Object.entries(result.errorsByKind)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  if (kinds.length === 0) return emptyNote('No errors');
  return markdownTable(
    ['kind', 'errors', 'share of sent'],
    kinds.map(([kind, count]) => [
      kind,
      formatCount(count),
      formatPercent(result.sent > 0 ? count / result.sent : 0),
    ]),
    ['left', 'right', 'right'],
  );
}

function renderTimeline({ result }: LoadTestOutcome): string {
  const { bucketSeconds, rows } = bucketTimeline(result.timeline, MAX_TIMELINE_ROWS);
  if (rows.length === 0) return emptyNote('No timeline was recorded');
  const table = markdownTable(
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
  const note =
    bucketSeconds === 1
      ? 'One row per second of intended send time.'
      : `One row per ${bucketSeconds} s of intended send time; p50 and p99 are the worst second in each row.`;
  return `${note}\n\n${table}`;
}

function renderSample({ sample }: LoadTestOutcome): string {
  const language = sample.contentType.includes('json') ? 'json' : '';
  return [
    `Sent as \`${sample.contentType}\` before the load:`,
    codeBlock(pretty(sample.request), language),
    'Answer:',
    codeBlock(pretty(sample.response), language),
  ].join('\n\n');
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

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function codeBlock(text: string, language: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

function rightAligned(count: number): Align[] {
  return Array.from({ length: count }, () => 'right' as const);
}
