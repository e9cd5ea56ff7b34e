import {
  algorithmCell,
  byObjectiveThenName,
  ENSEMBLE_SCORE_NOTE,
  membersPhrase,
  championPhrase,
  otherMetricNames,
  rankingHeading,
  scoreWithSpread,
} from '../text/leaderboard-text';
import { formatDuration, formatMetric, formatTime } from '../text/numbers';
import { endedPhrase } from './outcome-words';
import type {
  CandidateCounts,
  ChosenModel,
  ReportChampionGate,
  ReportDecision,
  ReportGate,
  ReportGates,
  ReportLeaderboardRow,
  ReportMetrics,
  ReportStep,
  RunReport,
} from './run-report';
import type { Fact, TextTable } from '../text/text-table';
import { deciderOf } from '../text/decider';

/**
 * The words and tables of the report's sections up to the decision (steps,
 * leaderboard, chosen model and gates, decision trail), as plain text. Both
 * renderers draw them, so Markdown and HTML order the metrics, name the
 * failed gates and describe the winner the same way. A cell that one format
 * draws differently (a pass/fail badge in HTML, a word in Markdown) comes
 * from a callback the renderer passes in.
 */

/** A pass/fail marker in the renderer's own form. */
export type Verdict<C> = (passed: boolean) => string | C;

export function stepsTable<C>(
  steps: readonly ReportStep[],
  status: (step: ReportStep) => string | C,
): TextTable<string | C> {
  return {
    header: ['step', 'status', 'started', 'duration', 'note'],
    rows: steps.map((step) => [
      step.step,
      status(step),
      formatTime(step.startedAt),
      formatDuration(step.durationMs),
      step.note ?? '',
    ]),
    align: ['left', 'left', 'left', 'right', 'left'],
  };
}

/** The sentence before the list of candidates that failed, and one line for each; null when none did. */
export function failedCandidates(
  candidates: CandidateCounts,
): { lead: string; lines: string[] } | null {
  if (candidates.failed.length === 0) return null;
  return {
    lead: `${candidates.failed.length} of ${candidates.total} candidates failed and have no row:`,
    lines: candidates.failed.map(
      (c) => `${c.id} (${c.algorithm}): ${c.error ?? 'no error message'}`,
    ),
  };
}

/**
 * The leaderboard: the objective's column first (with its spread over the
 * folds under cross-validation), then every other metric any row has, by
 * name. Every figure is a ranking score, never a test score; the heading
 * says which. `chosen` marks the chosen configuration's id.
 */
export function leaderboardTable<C>(
  report: RunReport,
  chosen: (id: string) => string | C,
): TextTable<string | C> {
  const others = otherMetricNames(report.objective, report.leaderboard) as (keyof ReportMetrics)[];
  const winner = report.chosenModel?.candidateId;
  const scores = rankingHeading(report.ranking);
  return {
    header: [
      'rank',
      'candidate',
      'algorithm',
      `${report.objective} (objective, ${scores})`,
      ...others.map((name) => `${name} (${scores === 'validation' ? 'validation' : 'CV mean'})`),
    ],
    rows: report.leaderboard.map((row: ReportLeaderboardRow) => [
      String(row.rank),
      row.id === winner ? chosen(row.id) : row.id,
      algorithmCell(row),
      scoreWithSpread(row.objectiveValue, row.spread?.[report.objective as keyof ReportMetrics]),
      ...others.map((name) => formatMetric(row.metrics[name])),
    ]),
    align: ['right', 'left', 'left', 'right', ...others.map(() => 'right' as const)],
  };
}

/** Which rows the leaderboard's figures come from, and that test was not one of them. */
export function rankingNote(report: RunReport): string {
  const how = report.ranking?.description ?? 'the validation split';
  const chosenBy = report.ranking?.chosenBy === 'size rule' ? ' (chosen by the size rule)' : '';
  const ensemble = report.leaderboard.some((row) => row.members) ? ` ${ENSEMBLE_SCORE_NOTE}` : '';
  return `Candidates are ranked by ${how}${chosenBy}. The test split is read once, for the chosen model and the champion.${ensemble}`;
}

/** The gates a row failed, by name, comma-separated: what its gates cell says beside "fail". */
export function failedGateNames(gates: readonly ReportGate[]): string {
  return gates
    .filter((gate) => !gate.passed)
    .map((gate) => gate.gate.trim())
    .join(', ');
}

/** Why no model was chosen: the run's reason, or how it ended. */
export function noModelChosenWhy(report: RunReport): string {
  return `No model chosen: ${report.reason ?? endedPhrase(report.outcome)}`;
}

/** The chosen model: candidate, how it was trained, its test score, hyperparameters and test metrics. */
export function chosenModelFacts(report: RunReport, chosen: ChosenModel): Fact[] {
  const hyperparameters = Object.entries(chosen.hyperparameters)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  const metrics = Object.entries(chosen.test)
    .sort(([a], [b]) => byObjectiveThenName(report.objective, a, b))
    .map(([name, value]) => `${name} ${formatMetric(value)}`)
    .join(', ');
  const own = chosen.members ? "the members' own models" : "the candidate's own model";
  const trained =
    chosen.trainedOn === 'train+validation'
      ? `${chosen.members ? 'each member ' : ''}refit on train + validation (${chosen.trainingRows} rows)`
      : `${own}, trained on train (${chosen.trainingRows} rows)`;
  return [
    ['Candidate', `${chosen.candidateId} (${chosen.algorithm}), rank ${chosen.rank}`],
    ['Trained', trained],
    [
      `${report.objective} (objective)`,
      `${formatMetric(chosen.testObjectiveValue)} on the test split (${chosen.testRows} rows); ${formatMetric(chosen.rankingValue)} when ranked`,
    ],
    chosen.members
      ? ['Members (weights)', membersPhrase(chosen.members)]
      : ['Hyperparameters', hyperparameters || 'none'],
    ['Test metrics', metrics || 'none'],
  ];
}

/** "Threshold gates", on the test split. */
export function thresholdGatesLabel(gates: ReportGates): string {
  return `Threshold gates (${gates.candidateId} on the test split)`;
}

export function thresholdTable<C>(gates: ReportGates, verdict: Verdict<C>): TextTable<string | C> {
  return {
    header: ['gate', 'test value', 'result'],
    rows: gates.thresholds.map((gate) => [
      gate.gate.trim(),
      formatMetric(gate.observed),
      verdict(gate.passed),
    ]),
    align: ['left', 'right', 'left'],
  };
}

/** The champion the winner was held against, on this run's test split; null when there was none. */
export function championFact(report: RunReport, gate: ReportChampionGate): Fact | null {
  return gate.champion ? ['Champion', championPhrase(gate.champion, report.objective)] : null;
}

/** Every approve or reject that reached the run; `result` draws whether it was accepted. */
export function decisionTrailTable<C>(
  trail: readonly ReportDecision[],
  result: (entry: ReportDecision) => string | C,
): TextTable<string | C> {
  return {
    header: ['at', 'via', 'action', 'by', 'message', 'result'],
    rows: trail.map((entry) => [
      formatTime(entry.at),
      entry.via,
      entry.action,
      deciderOf(entry),
      entry.message,
      result(entry),
    ]),
    empty: 'No decision reached the run',
  };
}
