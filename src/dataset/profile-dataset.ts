import type { Dataset } from './read-dataset';

export interface ColumnProfile {
  name: string;
  type: 'numeric' | 'categorical';
  missing: number;
  distinct: number;
}

export type TargetDistribution =
  | { kind: 'classes'; counts: Record<string, number> }
  | { kind: 'numeric'; min: number; max: number; mean: number; std: number };

export interface DatasetProfile {
  rows: number;
  columns: ColumnProfile[];
  target: TargetDistribution;
}

/** Per column: type, missing and distinct counts; and how the target is distributed. */
export function profileDataset(
  dataset: Dataset,
  targetColumn: number,
  isClassification: boolean,
): DatasetProfile {
  const columns = dataset.header.map((name, column): ColumnProfile => {
    const values = dataset.rows.map((row) => (row.fields[column] ?? '').trim());
    const present = values.filter((value) => value !== '');
    const isNumeric =
      present.length > 0 && present.every((value) => Number.isFinite(Number(value)));
    return {
      name,
      type: isNumeric ? 'numeric' : 'categorical',
      missing: values.length - present.length,
      distinct: new Set(present).size,
    };
  });
  const targets = dataset.rows
    .map((row) => (row.fields[targetColumn] ?? '').trim())
    .filter((value) => value !== '');
  return {
    rows: dataset.rows.length,
    columns,
    target: isClassification ? classCounts(targets) : numericSummary(targets.map(Number)),
  };
}

function classCounts(values: string[]): TargetDistribution {
  const counts: Record<string, number> = {};
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1;
  return { kind: 'classes', counts };
}

function numericSummary(values: number[]): TargetDistribution {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  // reduce, not Math.min(...values): spreading a large column overflows the stack.
  const min = values.reduce((a, b) => Math.min(a, b), Infinity);
  const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
  return { kind: 'numeric', min, max, mean, std: Math.sqrt(variance) };
}
