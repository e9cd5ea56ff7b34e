import { splitRows } from '../../../src/dataset/split-dataset';

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
