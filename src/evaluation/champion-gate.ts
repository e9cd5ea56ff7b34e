import { z } from 'zod';
import { isHigherBetter, metricValuesSchema, type MetricName } from './metric-names';

/** The approved version the winner is held against, scored on this run's test split. */
export const championSchema = z.object({
  version: z.number().int().min(1),
  algorithm: z.string(),
  metrics: metricValuesSchema,
});
export type Champion = z.infer<typeof championSchema>;

export const championGateVerdictSchema = z.object({
  hasChampion: z.boolean(),
  passed: z.boolean(),
  reason: z.string(),
  champion: championSchema.optional(),
});
export type ChampionGateVerdict = z.infer<typeof championGateVerdictSchema>;

/**
 * The champion gate: the winner must beat the current approved version, on
 * the same test split, by at least `margin` on the objective, and be strictly
 * better (a tie, such as a rerun of the same model, is not an improvement).
 * With no approved version yet, the gate passes and says so.
 */
export function checkChampionGate(
  objective: MetricName,
  winner: { id: string; objectiveValue?: number },
  champion: Champion | undefined,
  margin: number,
): ChampionGateVerdict {
  if (!champion)
    return {
      hasChampion: false,
      passed: true,
      reason: 'no approved version yet, so there is no champion to beat',
    };
  const ours = winner.objectiveValue;
  const theirs = champion.metrics[objective];
  if (
    ours === undefined ||
    theirs === undefined ||
    !Number.isFinite(ours) ||
    !Number.isFinite(theirs)
  ) {
    return {
      hasChampion: true,
      passed: false,
      reason: `cannot compare ${objective} with the champion (version ${champion.version})`,
      champion,
    };
  }
  const improvement = isHigherBetter(objective) ? ours - theirs : theirs - ours;
  const passed = improvement > 0 && improvement >= margin;
  const comparison = `${winner.id} has ${objective} ${round(ours)}, champion version ${champion.version} has ${round(theirs)} on the same test split`;
  return {
    hasChampion: true,
    passed,
    reason: passed
      ? `${comparison}: beats it by ${round(improvement)} (margin ${margin})`
      : `${comparison}: does not beat it by the margin ${margin}`,
    champion,
  };
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}
