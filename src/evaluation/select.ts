import { parseGate, passesGate, type ThresholdGate } from '../config/gate';
import { isHigherBetter, type MetricName } from './metric-names';

export interface ScoredCandidate {
  id: string;
  index: number;
  algorithm: string;
  hyperparameters: Record<string, number>;
  metrics: Partial<Record<MetricName, number>>;
  /** Where the trained model is (a folder, or an S3 URI), so the winner carries it to the registry. */
  modelDir: string;
}

export interface GateVerdict {
  /** The gate as written in the pipeline file, e.g. "roc_auc >= 0.80". */
  gate: string;
  metric: MetricName;
  observed: number | undefined;
  passed: boolean;
}

export interface LeaderboardRow extends ScoredCandidate {
  /** 1 for the best candidate; every row has its own rank, ties are broken. */
  rank: number;
  /** The objective's value; undefined when missing or NaN (JSON has no NaN). */
  objectiveValue: number | undefined;
  gates: GateVerdict[];
  passedGates: boolean;
}

export type Selection =
  | { outcome: 'selected'; winner: LeaderboardRow; leaderboard: LeaderboardRow[] }
  | { outcome: 'no-candidate-passed'; leaderboard: LeaderboardRow[]; reason: string };

interface ParsedGate {
  text: string;
  gate: ThresholdGate;
}

/**
 * Ranks the candidates by the objective and decides whether the best one
 * may go forward. Pure and deterministic: the pipeline workflow calls it,
 * and a replay must reach the same winner.
 *
 * Only the top-ranked candidate can win. If it fails a gate, the outcome is
 * 'no-candidate-passed' even when a lower-ranked candidate would pass:
 * gates ask "is the best model good enough?", not "find some model above a
 * line". Falling back to a lower-ranked candidate would ship a model that is
 * worse on the metric the user chose to optimise, because of a threshold
 * on another (or the same) metric; the user should see that the best model
 * fell short and decide (relax the gate, change the search), not get a
 * silent second choice. For the same reason a top candidate without an
 * objective value (then no candidate has one) is not selected.
 *
 * Order: the objective in its direction (metric-names.ts), missing or NaN
 * last, then the lower candidate index, then the id. Gates must already be
 * valid (the pipeline validator checks them); an invalid one throws.
 */
export function selectCandidate(
  candidates: ScoredCandidate[],
  objective: MetricName,
  gates: string[],
): Selection {
  const parsedGates = gates.map(parseValidGate);
  const leaderboard = [...candidates]
    .sort(byObjective(objective))
    .map((candidate, position) => leaderboardRow(candidate, position + 1, objective, parsedGates));

  const best = leaderboard[0];
  if (best === undefined) {
    return { outcome: 'no-candidate-passed', leaderboard, reason: 'no candidate produced metrics' };
  }
  if (best.objectiveValue === undefined) {
    return {
      outcome: 'no-candidate-passed',
      leaderboard,
      reason: `no candidate has a value for the objective ${objective} (${leaderboard.length} scored)`,
    };
  }
  if (!best.passedGates) {
    return {
      outcome: 'no-candidate-passed',
      leaderboard,
      reason: gateFailureReason(best, parsedGates),
    };
  }
  return { outcome: 'selected', winner: best, leaderboard };
}

function parseValidGate(text: string): ParsedGate {
  const parsed = parseGate(text);
  if (!parsed.ok) {
    const why =
      parsed.reason === 'metric'
        ? `unknown metric '${parsed.metric}'`
        : 'not "<metric> <op> <number>"';
    throw new Error(
      `gate "${text}" is invalid (${why}); validate the pipeline file before selecting`,
    );
  }
  return { text, gate: parsed.gate };
}

function usable(value: number | undefined): number | undefined {
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

function byObjective(objective: MetricName): (a: ScoredCandidate, b: ScoredCandidate) => number {
  const isHigher = isHigherBetter(objective);
  return (a, b) => {
    const left = usable(a.metrics[objective]);
    const right = usable(b.metrics[objective]);
    if (left !== right) {
      if (left === undefined) return 1;
      if (right === undefined) return -1;
      return left > right === isHigher ? -1 : 1;
    }
    if (a.index !== b.index) return a.index - b.index;
    // Code-unit order, not localeCompare: the same on every worker's locale.
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

function leaderboardRow(
  candidate: ScoredCandidate,
  rank: number,
  objective: MetricName,
  gates: readonly ParsedGate[],
): LeaderboardRow {
  const verdicts = gates.map(({ text, gate }): GateVerdict => {
    const observed = candidate.metrics[gate.metric];
    return { gate: text, metric: gate.metric, observed, passed: passesGate(gate, observed) };
  });
  return {
    ...candidate,
    rank,
    objectiveValue: usable(candidate.metrics[objective]),
    gates: verdicts,
    passedGates: verdicts.every((verdict) => verdict.passed),
  };
}

/** e.g. best candidate c03 (xgboost) has roc_auc 0.7712, gate "roc_auc >= 0.80" not met */
function gateFailureReason(best: LeaderboardRow, gates: readonly ParsedGate[]): string {
  const failures = best.gates.flatMap((verdict, index) => {
    const gate = gates[index]?.gate;
    if (verdict.passed || gate === undefined) return [];
    const value =
      verdict.observed === undefined
        ? `no ${verdict.metric} value`
        : `${verdict.metric} ${formatObserved(verdict.observed, gate)}`;
    return [`${value}, gate "${verdict.gate.trim()}" not met`];
  });
  return `best candidate ${best.id} (${best.algorithm}) has ${failures.join('; and ')}`;
}

/**
 * Four significant digits (more for large values), and more still if
 * rounding would make a failing value look as if it met the gate: 0.79996
 * against ">= 0.80" reads 0.79996, not 0.8000.
 */
function formatObserved(value: number, gate: ThresholdGate): string {
  if (!Number.isFinite(value)) return String(value);
  const integerDigits = value === 0 ? 1 : Math.floor(Math.log10(Math.abs(value))) + 1;
  for (let digits = Math.max(4, integerDigits + 2); digits <= 17; digits += 1) {
    const shown = Number(value.toPrecision(digits));
    if (!passesGate(gate, shown)) return String(shown);
  }
  return String(value);
}
