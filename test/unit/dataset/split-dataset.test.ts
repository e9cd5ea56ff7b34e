import { assignFolds, splitRows } from '../../../src/dataset/split-dataset';

const fractions = { train: 0.7, validation: 0.15, test: 0.15, seed: 42 };

describe('splitting rows', () => {
  test('is deterministic from the seed and covers every row exactly once', () => {
    const first = splitRows(1000, fractions);
    expect(splitRows(1000, fractions)).toEqual(first);
    expect(splitRows(1000, { ...fractions, seed: 43 })).not.toEqual(first);
    const all = [...first.train, ...first.validation, ...first.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([first.train.length, first.validation.length, first.test.length]).toEqual([
      700, 150, 150,
    ]);
  });

  test('stratifies: a rare class keeps its share in every part', () => {
    const strata = Array.from({ length: 1000 }, (_, i) => (i % 20 === 0 ? 'rare' : 'common'));
    const split = splitRows(1000, fractions, strata);
    const rare = (rows: number[]) => rows.filter((i) => strata[i] === 'rare').length;
    // 50 rare rows: test and validation each get round(50 x 0.15) = round(7.5) = 8, train the other 34.
    expect([rare(split.train), rare(split.validation), rare(split.test)]).toEqual([34, 8, 8]);
  });

  test('refuses too few rows, naming the count', () => {
    expect(() => splitRows(9, fractions)).toThrow(/too few rows \(9\)/);
  });

  test('splits 600,000 stratified rows (a 100x dataset) into every row once', () => {
    const count = 600_000;
    const strata = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? 'Yes' : 'No'));
    const parts = splitRows(count, fractions, strata);
    const all = [...parts.train, ...parts.validation, ...parts.test];
    expect(all).toHaveLength(count);
    expect(new Set(all).size).toBe(count);
  });
});

describe('assignFolds', () => {
  const indices = Array.from({ length: 103 }, (_, i) => i * 2);
  const classOf = (i: number) => (i % 10 === 0 ? 'rare' : 'common');

  test('partitions the rows into k folds of near-equal size, each in row order', () => {
    const folds = assignFolds(indices, 5, 42);
    expect(folds.map((fold) => fold.length).sort()).toEqual([20, 20, 21, 21, 21]);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(indices);
    for (const fold of folds) expect([...fold].sort((a, b) => a - b)).toEqual(fold);
  });

  test('is the same for the same seed and different for another', () => {
    expect(assignFolds(indices, 5, 42)).toEqual(assignFolds(indices, 5, 42));
    expect(assignFolds(indices, 5, 43)).not.toEqual(assignFolds(indices, 5, 42));
  });

  test('stratified, every fold gets its share of a rare class', () => {
    const rare = indices.filter((i) => classOf(i) === 'rare').length;
    const folds = assignFolds(indices, 5, 7, classOf);
    for (const fold of folds) {
      const count = fold.filter((i) => classOf(i) === 'rare').length;
      expect(Math.abs(count - rare / 5)).toBeLessThanOrEqual(1);
    }
  });

  test('refuses more folds than rows, naming the fix', () => {
    expect(() => assignFolds([1, 2, 3], 5, 1)).toThrow(
      /too few rows \(3\) in train \+ validation for 5-fold cross-validation; lower evaluation.folds/,
    );
  });
});
