import { z } from 'zod';
import type { EvaluationConfig } from '../config/pipeline-schema';

/**
 * How a run scores its candidates for ranking, decided once when the data is
 * prepared. The test split plays no part in it: it is read once, for the
 * chosen model (and the champion).
 */
export const protocolSchema = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('holdout'),
    /** Rows of the validation split every candidate is scored on. */
    rows: z.number().int(),
    refit: z.boolean(),
    chosenBy: z.enum(['pipeline file', 'size rule']),
  }),
  z.object({
    method: z.literal('cv'),
    folds: z.number().int().min(2),
    /** Rows of train + validation, each scored once, by the fold that held it out. */
    rows: z.number().int(),
    refit: z.literal(true),
    chosenBy: z.enum(['pipeline file', 'size rule']),
  }),
]);
export type Protocol = z.infer<typeof protocolSchema>;

/**
 * The size rule when the pipeline file names no method, as FLAML's `auto`
 * (its SMALL_LARGE_THRES and SHORT_LONG_THRES): below 100,000 rows and
 * 10 million cells, 5-fold cross-validation, because one validation split of
 * a few thousand rows ranks candidates by its own noise (the best of N noisy
 * scores is optimistic, and the choice follows the split); above it, the
 * validation split holds enough rows to rank on, and k fits per candidate
 * cost more than they buy.
 */
export const CV_MAX_ROWS = 100_000;
export const CV_MAX_CELLS = 10_000_000;

export function chooseProtocol(
  evaluation: EvaluationConfig,
  rows: { train: number; validation: number },
  featureColumns: number,
): Protocol {
  const trainValidation = rows.train + rows.validation;
  const small = trainValidation < CV_MAX_ROWS && trainValidation * featureColumns < CV_MAX_CELLS;
  const method = evaluation.method ?? (small ? 'cv' : 'holdout');
  const chosenBy = evaluation.method === undefined ? 'size rule' : 'pipeline file';
  if (method === 'cv') {
    return { method, folds: evaluation.folds, rows: trainValidation, refit: true, chosenBy };
  }
  return { method, rows: rows.validation, refit: evaluation.refit, chosenBy };
}

/** e.g. "5-fold cross-validation on train + validation (5,950 rows)" or "the validation split (1,056 rows)". */
export function describeProtocol(protocol: Protocol): string {
  const rows = protocol.rows.toLocaleString('en-US');
  return protocol.method === 'cv'
    ? `${protocol.folds}-fold cross-validation on train + validation (${rows} rows)`
    : `the validation split (${rows} rows)`;
}
