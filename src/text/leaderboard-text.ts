import { formatMetric } from './numbers';

/**
 * The leaderboard's words, for `ferry run`/`ferry status` and the report
 * alike: which metric columns a table shows and in what order, what a row's
 * scores say, how the champion a winner was held against is described,
 * and how a decision's result reads.
 */

/** The objective first, then the other metrics by name (code-unit order, the same on every locale). */
export function byObjectiveThenName(objective: string, a: string, b: string): number {
  if (a === objective || b === objective) return a === objective ? (b === objective ? 0 : -1) : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every metric any row has other than the objective, by name: the columns after the objective's. */
export function otherMetricNames(
  objective: string,
  rows: readonly { metrics: Partial<Record<string, unknown>> }[],
): string[] {
  return [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))]
    .filter((name) => name !== objective)
    .sort((a, b) => byObjectiveThenName(objective, a, b));
}

/** A row's algorithm; an ensemble's with its members and weights: "ensemble (c03 0.60, c07 0.40)". */
export function algorithmCell(row: {
  algorithm: string;
  members?: readonly { id: string; weight: number }[] | null;
}): string {
  if (!row.members || row.members.length === 0) return row.algorithm;
  return `${row.algorithm} (${membersPhrase(row.members)})`;
}

/** "c03 0.60, c07 0.40": an ensemble's members and their weights, heaviest first. */
export function membersPhrase(members: readonly { id: string; weight: number }[]): string {
  return [...members]
    .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((member) => `${member.id} ${member.weight.toFixed(2)}`)
    .join(', ');
}

/**
 * Said under a leaderboard with an ensemble: its weights were chosen on the
 * rows it is scored on, so its score flatters it a little.
 */
export const ENSEMBLE_SCORE_NOTE =
  "The ensemble's weights were chosen on the same rows its score is measured on, so its ranking score is slightly optimistic next to the single candidates'; its test score is the fair figure.";

/** A ranking score with its spread over the folds, when it has one: "0.8412 ± 0.0061". */
export function scoreWithSpread(value: number | null | undefined, spread?: number | null): string {
  const shown = formatMetric(value);
  return spread === undefined || spread === null ? shown : `${shown} ± ${formatMetric(spread)}`;
}

/** The leaderboard's score heading: which rows its figures come from, e.g. "5-fold CV mean ± sd". */
export function rankingHeading(
  protocol: { method: 'holdout' | 'cv'; folds?: number | null } | null | undefined,
): string {
  if (!protocol) return 'validation';
  return protocol.method === 'cv' ? `${protocol.folds ?? ''}-fold CV mean ± sd` : 'validation';
}

/** "version 2 (xgboost), accuracy 0.9120 on this run's test split". */
export function championPhrase(
  champion: { version: number; algorithm: string; metrics: Partial<Record<string, number | null>> },
  objective: string,
): string {
  const value = formatMetric(champion.metrics[objective]);
  return `version ${champion.version} (${champion.algorithm}), ${objective} ${value} on this run's test split`;
}

/** How a decision ended: "accepted", or "refused: " and why. */
export function decisionResult(entry: { accepted: boolean; reason?: string | null }): string {
  return entry.accepted ? 'accepted' : `refused: ${refusalReason(entry)}`;
}

/** Why a decision was refused; every refusal records one, older runs may not. */
export function refusalReason(entry: { reason?: string | null }): string {
  return entry.reason ?? 'no reason given';
}
