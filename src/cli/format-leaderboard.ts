import type { LeaderboardRow } from '../evaluation/select';
import type { MetricName } from '../evaluation/metric-names';
import type { DecisionTrailEntry } from '../workflows/definitions';
import type { ChampionGateVerdict } from '../evaluation/champion-gate';

/** The leaderboard as an aligned text table: rank, candidate, algorithm, the objective first, gates. */
export function formatLeaderboard(
  rows: readonly LeaderboardRow[],
  objective: MetricName,
  limit = 20,
): string {
  if (rows.length === 0) return '(no candidate has metrics yet)';
  const metricNames = [
    objective,
    ...Object.keys(rows[0]?.metrics ?? {})
      .filter((m) => m !== objective)
      .sort(),
  ] as MetricName[];
  const header = ['#', 'candidate', 'algorithm', ...metricNames, 'gates'];
  const body = rows
    .slice(0, limit)
    .map((row) => [
      String(row.rank),
      row.id,
      row.algorithm,
      ...metricNames.map((m) => formatNumber(row.metrics[m])),
      row.gates.length === 0 ? '-' : row.passedGates ? 'pass' : 'fail',
    ]);
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...body.map((line) => (line[i] ?? '').length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const more = rows.length > limit ? [`... and ${rows.length - limit} more`] : [];
  return [render(header), ...body.map(render), ...more].join('\n');
}

export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toFixed(4);
}

/** One line of the decision trail: when, how, who, what, and why it was refused. */
export function formatTrailEntry(entry: DecisionTrailEntry): string {
  const verdict = entry.accepted ? 'accepted' : `refused: ${entry.reason ?? ''}`;
  const message = entry.message ? ` "${entry.message}"` : '';
  return `decision ${entry.at} ${entry.via} ${entry.action} by ${entry.approver}${message}: ${verdict}`;
}

/** The champion's row under the leaderboard, and the gate's verdict. */
export function formatChampionGate(verdict: ChampionGateVerdict, objective: MetricName): string {
  const row = verdict.champion
    ? `champion: version ${verdict.champion.version} (${verdict.champion.algorithm}) ${objective}=${formatNumber(verdict.champion.metrics[objective])} on this run's test split\n`
    : '';
  return `${row}champion gate: ${verdict.passed ? 'passed' : 'failed'}: ${verdict.reason}`;
}
