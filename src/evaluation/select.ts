import { z } from 'zod';
import { parseGate, passesGate, type ThresholdGate } from '../config/gate';
import {
  isHigherBetter,
  metricNameSchema,
  metricValuesSchema,
  type MetricName,
} from './metric-names';

export const scoredCandidateSchema = z.object({
  id: z.string(),
  index: z.number().int(),
  algorithm: z.string(),
  hyperparameters: z.record(z.string(), z.number()),
  /** The candidate's random seed, which its refit reuses. */
  seed: z.number().int(),
  /** The ranking score: on the validation split, or the mean over the cross-validation folds. Never test. */
  metrics: metricValuesSchema,
  /** Cross-validation: each metric's standard deviation over the folds. */
  spread: metricValuesSchema.optional(),
  /** Rounds (or iterations) that early stopping kept; the refit boosts this many. */
  fittedRounds: z.number().int().optional(),
  /** The model trained on the train split (absent under cross-validation: one per fold). */
  modelDir: z.string().optional(),
  /** Files with its predictions on the ranking rows (one per fold under cross-validation), for ensemble selection. */
  rankingPredictions: z.array(z.string()).optional(),
  /** An ensemble: its members and their weights (they sum to 1). */
  members: z.array(z.object({ id: z.string(), weight: z.number() })).optional(),
});
export type ScoredCandidate = z.infer<typeof scoredCandidateSchema>;

export const gateVerdictSchema = z.object({
  /** The gate as written in the pipeline file, e.g. "roc_auc >= 0.80". */
  gate: z.string(),
  metric: metricNameSchema,
  /** The chosen model's value on the test split. */
  observed: z.number().optional(),
  passed: z.boolean(),
});
export type GateVerdict = z.infer<typeof gateVerdictSchema>;

export const leaderboardRowSchema = scoredCandidateSchema.extend({
  /** 1 for the best candidate; every row has its own rank, ties are broken. */
  rank: z.number().int().min(1),
  /** The objective's ranking score; undefined when missing or NaN (JSON has no NaN). */
  objectiveValue: z.number().optional(),
});
export type LeaderboardRow = z.infer<typeof leaderboardRowSchema>;

/**
 * The model a run puts forward: the best-ranked candidate's configuration,
 * refit on train + validation (or its model as trained on train), scored
 * once on the test split. The gates, the champion gate, the registry and
 * the report use its test score.
 */
export const chosenModelSchema = leaderboardRowSchema.extend({
  /** The model that is registered: the refit's, or the candidate's own. */
  modelDir: z.string(),
  trainedOn: z.enum(['train', 'train+validation']),
  trainingRows: z.number().int(),
  /** Its metrics on the test split, the only read of test for this model. */
  test: metricValuesSchema,
  testRows: z.number().int(),
  /** The objective on the test split; undefined when missing or NaN. */
  testObjectiveValue: z.number().optional(),
  gates: z.array(gateVerdictSchema),
  passedGates: z.boolean(),
});
export type ChosenModel = z.infer<typeof chosenModelSchema>;

export const rankingSchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('ranked'),
    best: leaderboardRowSchema,
    leaderboard: z.array(leaderboardRowSchema),
  }),
  z.object({
    outcome: z.literal('no-candidate-passed'),
    leaderboard: z.array(leaderboardRowSchema),
    reason: z.string(),
  }),
]);
export type Ranking = z.infer<typeof rankingSchema>;

interface ParsedGate {
  text: string;
  gate: ThresholdGate;
}

/**
 * Ranks the candidates by their ranking score (validation or
 * cross-validation, never test) on the objective. Pure and deterministic:
 * the pipeline workflow calls it, and a replay must reach the same order.
 *
 * Only the top-ranked candidate goes forward, and only its test score meets
 * the gates (`checkGates`). If it fails a gate, no other candidate is tried:
 * gates ask "is the best model good enough?", not "find some model above a
 * line". Falling back to a lower-ranked candidate would ship a model that is
 * worse on the metric the user chose to optimise, and trying candidates on
 * test until one passes would choose on test. The user should see that the
 * best model fell short and decide (relax the gate, change the search). For
 * the same reason a top candidate without an objective value (then no
 * candidate has one) is not put forward.
 *
 * Order: the objective in its direction (metric-names.ts), missing or NaN
 * last, then the lower candidate index, then the id.
 */
export function rankCandidates(candidates: ScoredCandidate[], objective: MetricName): Ranking {
  const leaderboard = [...candidates].sort(byObjective(objective)).map((candidate, position) => ({
    ...candidate,
    rank: position + 1,
    objectiveValue: usable(candidate.metrics[objective]),
  }));
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
  return { outcome: 'ranked', best, leaderboard };
}

/**
 * The threshold gates on the chosen model's test metrics. Gates must already
 * be valid (the pipeline validator checks them); an invalid one throws.
 * `reason` says what fell short, naming the test split.
 */
export function checkGates(
  model: { id: string; algorithm: string },
  test: Partial<Record<MetricName, number>>,
  gates: string[],
): { verdicts: GateVerdict[]; passed: boolean; reason?: string } {
  const parsed = gates.map(parseValidGate);
  const verdicts = parsed.map(({ text, gate }): GateVerdict => {
    const observed = usable(test[gate.metric]);
    return { gate: text, metric: gate.metric, observed, passed: passesGate(gate, observed) };
  });
  const passed = verdicts.every((verdict) => verdict.passed);
  return passed
    ? { verdicts, passed }
    : { verdicts, passed, reason: gateFailureReason(model, verdicts, parsed) };
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

/** e.g. best candidate c03 (xgboost) has test roc_auc 0.7712, gate "roc_auc >= 0.80" not met */
function gateFailureReason(
  best: { id: string; algorithm: string },
  verdicts: readonly GateVerdict[],
  gates: readonly ParsedGate[],
): string {
  const failures = verdicts.flatMap((verdict, index) => {
    const gate = gates[index]?.gate;
    if (verdict.passed || gate === undefined) return [];
    const value =
      verdict.observed === undefined
        ? `no test ${verdict.metric} value`
        : `test ${verdict.metric} ${formatObserved(verdict.observed, gate)}`;
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
