import { pipelineSchema } from '../../../src/config/pipeline-schema';
import { generateCandidates } from '../../../src/workflows/candidate-generator';
import { validPipeline } from '../../fixtures/pipelines';

function space(candidates: Record<string, unknown>) {
  return pipelineSchema.parse({ ...validPipeline(), candidates }).candidates;
}

const randomSpace = {
  count: 30,
  maxParallel: 2,
  seed: 11,
  algorithms: [
    {
      name: 'xgboost',
      hyperparameters: {
        num_round: 100,
        max_depth: { low: 2, high: 6 },
        eta: { low: 0.01, high: 0.3, log: true },
      },
    },
    { name: 'linear', hyperparameters: { C: [0.1, 1, 10] } },
  ],
};

describe('the candidate generator', () => {
  test('gives the same candidates for the same seed, and others for another seed', () => {
    expect(generateCandidates(space(randomSpace), 'binary')).toEqual(
      generateCandidates(space(randomSpace), 'binary'),
    );
    expect(generateCandidates(space({ ...randomSpace, seed: 12 }), 'binary')).not.toEqual(
      generateCandidates(space(randomSpace), 'binary'),
    );
  });

  test('draws within the ranges, integers where the algorithm needs them, and from the lists', () => {
    const candidates = generateCandidates(space(randomSpace), 'binary');
    expect(candidates).toHaveLength(30);
    for (const c of candidates.filter((c) => c.algorithm === 'xgboost')) {
      expect(c.hyperparameters.num_round).toBe(100);
      expect(Number.isInteger(c.hyperparameters.max_depth)).toBe(true);
      expect(c.hyperparameters.max_depth).toBeGreaterThanOrEqual(2);
      expect(c.hyperparameters.max_depth).toBeLessThanOrEqual(6);
      expect(c.hyperparameters.eta).toBeGreaterThanOrEqual(0.01);
      expect(c.hyperparameters.eta).toBeLessThanOrEqual(0.3);
    }
    const cs = new Set(
      candidates.filter((c) => c.algorithm === 'linear').map((c) => c.hyperparameters.C),
    );
    expect([...cs].sort()).toEqual([0.1, 1, 10]);
  });

  test('samples a log range evenly in log space (about half the draws below the geometric mean)', () => {
    const candidates = generateCandidates(
      space({
        count: 200,
        maxParallel: 1,
        seed: 3,
        algorithms: [
          { name: 'xgboost', hyperparameters: { eta: { low: 0.001, high: 1, log: true } } },
        ],
      }),
      'binary',
    );
    const below = candidates.filter((c) => (c.hyperparameters.eta ?? 0) < Math.sqrt(0.001)).length;
    expect(below).toBeGreaterThan(70);
    expect(below).toBeLessThan(130);
  });

  test('takes turns between algorithms and numbers candidates c01, c02, ...', () => {
    const candidates = generateCandidates(space(randomSpace), 'binary');
    expect(candidates.slice(0, 4).map((c) => [c.id, c.algorithm])).toEqual([
      ['c01', 'xgboost'],
      ['c02', 'linear'],
      ['c03', 'xgboost'],
      ['c04', 'linear'],
    ]);
    expect(new Set(candidates.map((c) => c.seed)).size).toBe(30);
  });

  test('avoids repeating a candidate while the space has room', () => {
    const candidates = generateCandidates(
      space({
        count: 3,
        maxParallel: 1,
        seed: 1,
        algorithms: [{ name: 'linear', hyperparameters: { C: [1, 2, 3] } }],
      }),
      'binary',
    );
    expect(candidates.map((c) => c.hyperparameters.C).sort()).toEqual([1, 2, 3]);
  });

  test('enumerates a grid, interleaving algorithms and stopping at N', () => {
    const grid = {
      count: 5,
      maxParallel: 1,
      strategy: 'grid',
      algorithms: [
        { name: 'random-forest', hyperparameters: { n_estimators: [10, 20], max_depth: [3, 5] } },
        { name: 'linear', hyperparameters: { C: [1, 10] } },
      ],
    };
    const candidates = generateCandidates(space(grid), 'binary');
    expect(candidates.map((c) => [c.algorithm, c.hyperparameters])).toEqual([
      ['random-forest', { max_depth: 3, n_estimators: 10 }],
      ['linear', { C: 1 }],
      ['random-forest', { max_depth: 3, n_estimators: 20 }],
      ['linear', { C: 10 }],
      ['random-forest', { max_depth: 5, n_estimators: 10 }],
    ]);
  });

  test('without algorithms, searches all four built-in spaces, starting from their defaults', () => {
    const candidates = generateCandidates(space({ count: 12 }), 'regression');
    expect(candidates.slice(0, 4).map((c) => [c.algorithm, c.hyperparameters])).toEqual([
      ['xgboost', { num_round: 2000 }],
      ['linear', {}],
      ['random-forest', { n_estimators: 300 }],
      ['hist-gradient-boosting', { max_iter: 2000 }],
    ]);
    const drawn = candidates.slice(4);
    expect(new Set(drawn.map((c) => c.algorithm)).size).toBe(4);
    for (const c of drawn.filter((c) => c.algorithm === 'linear')) {
      // Ridge's alpha for regression; logistic regression's C would be an error here.
      expect(Object.keys(c.hyperparameters)).toEqual(['alpha']);
      expect(c.hyperparameters.alpha).toBeGreaterThan(0);
    }
    for (const c of drawn.filter((c) => c.algorithm === 'xgboost')) {
      expect(c.hyperparameters.num_round).toBe(2000);
      expect(c.hyperparameters.eta).toBeGreaterThanOrEqual(0.01);
      expect(c.hyperparameters.eta).toBeLessThanOrEqual(0.3);
    }
  });

  test('an algorithm listed without hyperparameters gets its built-in space; one with them, only those', () => {
    const candidates = generateCandidates(
      space({
        count: 6,
        algorithms: [
          { name: 'linear' },
          { name: 'xgboost', hyperparameters: { max_depth: [2, 3] } },
        ],
      }),
      'binary',
    );
    expect(candidates[0]?.hyperparameters).toEqual({ max_iter: 1000 });
    const linear = candidates.filter((c) => c.algorithm === 'linear').slice(1);
    for (const c of linear) expect(c.hyperparameters.C).toBeGreaterThan(0);
    for (const c of candidates.filter((c) => c.algorithm === 'xgboost')) {
      expect(Object.keys(c.hyperparameters)).toEqual(['max_depth']);
    }
  });

  test('makes up to 250 candidates with ids wide enough to sort', () => {
    const candidates = generateCandidates(space({ ...randomSpace, count: 250 }), 'binary');
    expect(candidates).toHaveLength(250);
    expect(candidates[0]?.id).toBe('c001');
    expect(candidates[249]?.id).toBe('c250');
  });
});
