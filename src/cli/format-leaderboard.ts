import type { LeaderboardRow } from '../evaluation/select';
import type { MetricName } from '../evaluation/metric-names';
import type { DecisionTrailEntry } from '../workflows/definitions';
import type { ChampionGateVerdict } from '../evaluation/champion-gate';
import {
  championPhrase,
  decisionResult,
  gatesWord,
  otherMetricNames,
} from '../text/leaderboard-text';
import { formatMetric } from '../text/numbers';
import { plainTable } from '../text/plain-table';

/**
 * The leaderboard as `ferry run` and `ferry status` print it: the report's
 * columns (src/text/leaderboard-text.ts), headed for a narrow terminal.
 */

/** The leaderboard as an aligned text table: rank, candidate, algorithm, the objective first, gates. */
export function formatLeaderboard(
  rows: readonly LeaderboardRow[],
  objective: MetricName,
  limit = 20,
): string {
  if (rows.length === 0) return '(no candidate has metrics yet)';
  const metricNames = [objective, ...otherMetricNames(objective, rows)] as MetricName[];
  const table = plainTable({
    header: ['#', 'candidate', 'algorithm', ...metricNames, 'gates'],
    rows: rows
      .slice(0, limit)
      .map((row) => [
        String(row.rank),
        row.id,
        row.algorithm,
        ...metricNames.map((m) => formatMetric(row.metrics[m])),
        gatesWord(row.gates, row.passedGates),
      ]),
  });
  return rows.length > limit ? `${table}\n... and ${rows.length - limit} more` : table;
}

/** One line of the decision trail: when, how, who, what, and whether it was accepted. */
export function formatTrailEntry(entry: DecisionTrailEntry): string {
  const message = entry.message ? ` "${entry.message}"` : '';
  return `decision ${entry.at} ${entry.via} ${entry.action} by ${entry.approver}${message}: ${decisionResult(entry)}`;
}

/** The champion's row under the leaderboard, and the gate's verdict. */
export function formatChampionGate(verdict: ChampionGateVerdict, objective: MetricName): string {
  const row = verdict.champion ? `champion: ${championPhrase(verdict.champion, objective)}\n` : '';
  return `${row}champion gate: ${verdict.passed ? 'passed' : 'failed'}: ${verdict.reason}`;
}
