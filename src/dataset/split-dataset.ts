import { SeededRandom } from '../shared/seeded-random';
import { datasetError } from './dataset-error';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
  seed: number;
}

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/** Below this a split leaves too little to learn from or to judge by. */
const MIN_ROWS_FOR_SPLIT = 10;

/**
 * Splits row indices into train / validation / test, deterministically from
 * the seed. With `strata` (the class of each row) every class is split in the
 * same proportions, so a rare class reaches the test set too. Each part keeps
 * the original row order, so the split files read like the source.
 */
export function splitRows(
  count: number,
  fractions: SplitFractions,
  strata?: string[],
): SplitIndices {
  if (count < MIN_ROWS_FOR_SPLIT) {
    throw datasetError(
      `too few rows (${count}) for a train/validation/test split; a dataset needs at least ${MIN_ROWS_FOR_SPLIT}`,
    );
  }
  const random = new SeededRandom(fractions.seed);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    const key = strata?.[i] ?? '';
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  }
  const result: SplitIndices = { train: [], validation: [], test: [] };
  for (const key of [...groups.keys()].sort()) {
    const rows = random.shuffle(groups.get(key) ?? []);
    const testCount = Math.round(rows.length * fractions.test);
    const validationCount = Math.round(rows.length * fractions.validation);
    // A loop, not push(...slice): spreading a stratum of a few hundred thousand rows overflows the stack.
    rows.forEach((row, index) => {
      const part =
        index < testCount ? 'test' : index < testCount + validationCount ? 'validation' : 'train';
      result[part].push(row);
    });
  }
  for (const part of ['train', 'validation', 'test'] as const) {
    if (result[part].length === 0) {
      throw datasetError(
        `too few rows (${count}) for the split: the ${part} part would be empty; add rows or raise split.${part}`,
      );
    }
    result[part].sort((a, b) => a - b);
  }
  return result;
}

/**
 * Deals row indices into `folds` folds for cross-validation, deterministically
 * from the seed; with `strata`, each class is dealt on its own, so every fold
 * keeps the class proportions (as scikit-learn's StratifiedKFold). Each fold
 * keeps the original row order.
 */
export function assignFolds(
  indices: readonly number[],
  folds: number,
  seed: number,
  strata?: (index: number) => string,
): number[][] {
  if (indices.length < folds) {
    throw datasetError(
      `too few rows (${indices.length}) in train + validation for ${folds}-fold cross-validation; lower evaluation.folds or use evaluation.method: holdout`,
    );
  }
  const random = new SeededRandom(seed);
  const groups = new Map<string, number[]>();
  for (const index of indices) {
    const key = strata?.(index) ?? '';
    const group = groups.get(key) ?? [];
    group.push(index);
    groups.set(key, group);
  }
  const result: number[][] = Array.from({ length: folds }, () => []);
  // One deal across strata: a class too small for every fold still leaves no fold short.
  let dealt = 0;
  for (const key of [...groups.keys()].sort()) {
    for (const index of random.shuffle(groups.get(key) ?? [])) {
      result[dealt % folds]?.push(index);
      dealt += 1;
    }
  }
  for (const fold of result) fold.sort((a, b) => a - b);
  return result;
}
