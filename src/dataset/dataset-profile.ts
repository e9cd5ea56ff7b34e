import { z } from 'zod';

/**
 * What prepareData tells about a dataset: per column its type, missing and
 * distinct counts, and how the target is distributed. Schemas only, apart
 * from the profiling code, since workflow code carries the profile in its
 * activity results.
 */
export const columnProfileSchema = z.object({
  name: z.string(),
  type: z.enum(['numeric', 'categorical']),
  missing: z.number().int(),
  distinct: z.number().int(),
});
export type ColumnProfile = z.infer<typeof columnProfileSchema>;

export const targetDistributionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('classes'), counts: z.record(z.string(), z.number().int()) }),
  z.object({
    kind: z.literal('numeric'),
    min: z.number(),
    max: z.number(),
    mean: z.number(),
    std: z.number(),
  }),
]);
export type TargetDistribution = z.infer<typeof targetDistributionSchema>;

export const datasetProfileSchema = z.object({
  rows: z.number().int(),
  columns: z.array(columnProfileSchema),
  target: targetDistributionSchema,
});
export type DatasetProfile = z.infer<typeof datasetProfileSchema>;
