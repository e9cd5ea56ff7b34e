import type { ChosenModel, LeaderboardRow } from '../evaluation/select';
import type { MetricName } from '../evaluation/metric-names';
import type { Protocol } from '../evaluation/protocol';
import type { DecisionTrailEntry } from '../workflows/definitions';
import type { ChampionGateVerdict } from '../evaluation/champion-gate';
import {
  algorithmCell,
  ENSEMBLE_SCORE_NOTE,
  championPhrase,
  decisionResult,
  otherMetricNames,
  rankingHeading,
  scoreWithSpread,
} from '../text/leaderboard-text';
import { formatMetric } from '../text/numbers';
import { plainTable } from '../text/plain-table';
import { deciderOf } from '../text/decider';
import { terminalSafe } from '../text/safe-text';

/**
 * The leaderboard as `ferry run` and `ferry status` print it: the report's
 * columns (src/text/leaderboard-text.ts), headed for a narrow terminal.
 * Every line comes back terminal-safe (src/text/safe-text.ts): candidate
 * and algorithm names, reasons and decision messages cannot move the cursor
 * or start a line of their own.
 */

/**
 * The leaderboard as an aligned text table: rank, candidate, algorithm, the
 * objective first (with its spread over folds under cross-validation), the
 * other metrics. A heading line says which rows the scores come from.
 */
export function formatLeaderboard(
  rows: readonly LeaderboardRow[],
  objective: MetricName,
  protocol: Protocol | undefined,
  limit = 20,
): string {
  if (rows.length === 0) return '(no candidate has metrics yet)';
  const others = otherMetricNames(objective, rows) as MetricName[];
  const table = plainTable({
    header: ['#', 'candidate', 'algorithm', objective, ...others],
    rows: rows
      .slice(0, limit)
      .map((row) => [
        String(row.rank),
        row.id,
        algorithmCell(row),
        scoreWithSpread(row.metrics[objective], row.spread?.[objective]),
        ...others.map((m) => formatMetric(row.metrics[m])),
      ]),
  });
  const heading = `scores: ${rankingHeading(protocol)} (never the test split)`;
  const more = rows.length > limit ? `\n... and ${rows.length - limit} more` : '';
  const ensemble = rows.some((row) => row.members) ? `\n${ENSEMBLE_SCORE_NOTE}` : '';
  return `${heading}\n${table}${more}${ensemble}`;
}

/** The chosen model on the test split, read once: "chosen: c03 (xgboost), refit on train + validation (5,950 rows); test roc_auc 0.8421 on 1,057 rows". */
export function formatChosenModel(chosen: ChosenModel, objective: MetricName): string {
  const trained =
    chosen.trainedOn === 'train+validation'
      ? `refit on train + validation (${chosen.trainingRows} rows)`
      : `trained on train (${chosen.trainingRows} rows)`;
  const gates =
    chosen.gates.length === 0 ? '' : `; gates ${chosen.passedGates ? 'passed' : 'failed'}`;
  return terminalSafe(
    `chosen: ${chosen.id} (${chosen.algorithm}), ${trained}; test ${objective} ${formatMetric(chosen.testObjectiveValue)} on ${chosen.testRows} rows${gates}`,
  );
}

/** One line of the decision trail: when, how, who, what, and whether it was accepted. */
export function formatTrailEntry(entry: DecisionTrailEntry): string {
  const message = entry.message ? ` "${entry.message}"` : '';
  return terminalSafe(
    `decision ${entry.at} ${entry.via} ${entry.action} by ${deciderOf(entry)}${message}: ${decisionResult(entry)}`,
  );
}

/** The champion's row under the leaderboard, and the gate's verdict. */
export function formatChampionGate(verdict: ChampionGateVerdict, objective: MetricName): string {
  const row = verdict.champion
    ? `${terminalSafe(`champion: ${championPhrase(verdict.champion, objective)}`)}\n`
    : '';
  return `${row}${terminalSafe(`champion gate: ${verdict.passed ? 'passed' : 'failed'}: ${verdict.reason}`)}`;
}
