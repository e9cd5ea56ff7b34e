import { z } from 'zod';
import { hyperparameterValueSchema } from '../config/pipeline-schema';

/**
 * What the TPE suggester (tpe_suggest.py) is asked and answers. The
 * workflow owns the search's history and sends it whole with every ask, so
 * the suggester keeps no state and the answer is in the workflow's history.
 */
export const searchedAlgorithmSchema = z.object({
  algorithm: z.string(),
  space: z.record(z.string(), hyperparameterValueSchema),
  /** Whether each hyperparameter is an integer or a float (the catalog's kinds). */
  kinds: z.record(z.string(), z.enum(['int', 'float'])),
});
export type SearchedAlgorithm = z.infer<typeof searchedAlgorithmSchema>;

export const pointSchema = z.object({
  algorithm: z.string(),
  hyperparameters: z.record(z.string(), z.number()),
});
export type Point = z.infer<typeof pointSchema>;

export const searchTrialSchema = pointSchema.extend({
  /** running: started, its score not yet told (TPE's constant liar counts it as bad). */
  state: z.enum(['complete', 'failed', 'running']),
  /** The ranking score (validation or cross-validated), never test. */
  value: z.number().optional(),
});
export type SearchTrial = z.infer<typeof searchTrialSchema>;

export const suggestCandidateInputSchema = z.object({
  /** Seeds the sampler for this ask: the candidate's own seed. */
  seed: z.number().int().nonnegative(),
  direction: z.enum(['maximize', 'minimize']),
  spaces: z.array(searchedAlgorithmSchema).min(1),
  trials: z.array(searchTrialSchema),
});
export type SuggestCandidateInput = z.infer<typeof suggestCandidateInputSchema>;
