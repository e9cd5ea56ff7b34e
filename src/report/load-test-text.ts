import type {
  LatencySummaryMs,
  LoadTestResult,
  SloBreach,
  SloVerdict,
} from '../loadtest/load-types';
import { formatCount, formatDuration, formatMs, formatPercent, formatRate } from '../text/numbers';
import { type TextTable, rightAligned } from '../text/text-table';
import { bucketTimeline, MAX_TIMELINE_ROWS } from './timeline-buckets';

/**
 * The Load test section's words and tables as plain text: the verdict's
 * figures, the overall sentence, the latency, phase, error and timeline
 * tables, and the sample as shown. Both renderers draw these, so the
 * Markdown and the HTML page report the same numbers in the same words.
 */

/** A sample longer than this is cut in the report; report.json keeps it whole. */
const SAMPLE_MAX_CHARS = 1500;

/** Why latency and service time differ: said under the latency table. */
export const LATENCY_NOTE =
  'Latency counts from when each request was due, so a stalled server or generator shows in full; ' +
  'service time is what a closed-loop client would report.';

/** The verdict's figures; a passing summary starts "passed: ", which the verdict word already says. */
export function verdictFigures(verdict: SloVerdict): string {
  return verdict.summary.replace(/^passed:\s*/, '');
}

/** Each SLO figure the run broke, observed against its limit. */
export function breachTable(breaches: readonly SloBreach[]): TextTable {
  return {
    header: ['figure', 'observed', 'limit', 'breach'],
    rows: breaches.map((breach) => [
      breach.figure,
      formatFigure(breach, breach.observed),
      formatFigure(breach, breach.limit),
      breach.message,
    ]),
    align: ['left', 'right', 'right', 'left'],
  };
}

/** What was sent, how much of it failed, at what rate and how late the generator was. */
export function loadSummary(result: LoadTestResult): string {
  return (
    `Sent ${formatCount(result.sent)} of ${formatCount(result.scheduled)} scheduled requests ` +
    `(${result.arrival} arrivals): ${formatCount(result.ok)} ok, ${formatCount(result.errors)} errors ` +
    `(error rate ${formatPercent(result.errorRate)}). Achieved ${formatRate(result.achievedRatePerSecond)} ` +
    `over ${formatDuration(result.durationMs)} (schedule ${formatDuration(result.scheduledDurationMs)}); ` +
    `at most ${formatCount(result.maxInFlight)} in flight; the generator sent late by ${formatMs(result.sendLagMsP99)} at p99.`
  );
}

/** Percentiles from the intended send time and from the actual one (see LATENCY_NOTE). */
export function latencyTable(result: LoadTestResult): TextTable {
  const row = (name: string, latency: LatencySummaryMs) => [
    name,
    ...[latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.mean].map(
      formatMs,
    ),
    formatCount(latency.count),
  ];
  return {
    header: ['latency', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'requests'],
    rows: [
      row('from intended send time', result.latencyMs),
      row('service time (from actual send)', result.serviceTimeMs),
    ],
    align: ['left', ...rightAligned(7)],
  };
}

export function phaseTable(result: LoadTestResult): TextTable {
  return {
    header: [
      'phase',
      'start',
      'duration',
      'scheduled',
      'sent',
      'ok',
      'errors',
      'p50',
      'p99',
      'max',
    ],
    rows: result.phases.map((phase) => [
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
    align: ['left', ...rightAligned(9)],
    empty: 'No phases were recorded',
  };
}

/** Error kinds that occurred, most frequent first (then by name, the same on every locale). */
export function errorKindTable(result: LoadTestResult): TextTable {
  const kinds = Object.entries(result.errorsByKind)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  return {
    header: ['kind', 'errors', 'share of sent'],
    rows: kinds.map(([kind, count]) => [
      kind,
      formatCount(count),
      formatPercent(result.sent > 0 ? count / result.sent : 0),
    ]),
    align: ['left', 'right', 'right'],
    empty: 'No errors',
  };
}

/** The per-second timeline, bucketed to at most MAX_TIMELINE_ROWS rows; the lead says how. */
export function timelineTable(result: LoadTestResult): TextTable {
  const { bucketSeconds, rows } = bucketTimeline(result.timeline, MAX_TIMELINE_ROWS);
  return {
    header: ['second', 'sent', 'ok', 'errors', 'p50', 'p99'],
    rows: rows.map((row) => [
      row.fromSecond === row.toSecond
        ? String(row.fromSecond)
        : `${row.fromSecond}–${row.toSecond}`,
      formatCount(row.sent),
      formatCount(row.ok),
      formatCount(row.errors),
      formatMs(row.ok > 0 ? row.p50Ms : null),
      formatMs(row.ok > 0 ? row.p99Ms : null),
    ]),
    align: rightAligned(6),
    empty: 'No timeline was recorded',
    lead:
      bucketSeconds === 1
        ? 'One row per second of intended send time.'
        : `One row per ${bucketSeconds} s of intended send time; p50 and p99 are the worst second in each row.`,
  };
}

/** A sample request or answer as shown: JSON indented for reading, anything else as sent, cut when long. */
export function prettySample(text: string): string {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON (CSV, or an error page): show it as it is.
  }
  if (shown.length <= SAMPLE_MAX_CHARS) return shown;
  return `${shown.slice(0, SAMPLE_MAX_CHARS)}\n... (${formatCount(shown.length - SAMPLE_MAX_CHARS)} more characters in report.json)`;
}

function formatFigure(breach: SloBreach, value: number | null): string {
  if (value === null) return 'none';
  return breach.figure === 'errorRate' ? formatPercent(value) : formatMs(value);
}
