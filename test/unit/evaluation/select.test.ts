import { parseGate, passesGate, type ThresholdGate } from '../../../src/config/gate';
import type { MetricName } from '../../../src/evaluation/metric-names';
import { checkGates, rankCandidates, type ScoredCandidate } from '../../../src/evaluation/select';

function candidate(
  id: string,
  index: number,
  metrics: Partial<Record<MetricName, number>>,
  algorithm = 'xgboost',
): ScoredCandidate {
  return {
    id,
    index,
    algorithm,
    hyperparameters: { max_depth: index + 2 },
    seed: 1_000 + index,
    metrics,
    modelDir: `/models/${id}`,
  };
}

function gate(text: string): ThresholdGate {
  const parsed = parseGate(text);
  if (!parsed.ok) throw new Error(`test gate "${text}" does not parse`);
  return parsed.gate;
}

describe('rankCandidates', () => {
  test('ranks a higher-is-better objective from the highest value down', () => {
    const ranking = rankCandidates(
      [
        candidate('c01', 0, { roc_auc: 0.8 }),
        candidate('c02', 1, { roc_auc: 0.9 }),
        candidate('c03', 2, { roc_auc: 0.85 }),
      ],
      'roc_auc',
    );
    expect(ranking.leaderboard.map((row) => [row.rank, row.id])).toEqual([
      [1, 'c02'],
      [2, 'c03'],
      [3, 'c01'],
    ]);
    expect(ranking.outcome).toBe('ranked');
    if (ranking.outcome === 'ranked') expect(ranking.best.id).toBe('c02');
  });

  test('ranks a lower-is-better objective from the lowest value up', () => {
    const ranking = rankCandidates(
      [
        candidate('c01', 0, { rmse: 3 }),
        candidate('c02', 1, { rmse: 2 }),
        candidate('c03', 2, { rmse: 5 }),
      ],
      'rmse',
    );
    expect(ranking.leaderboard.map((row) => row.id)).toEqual(['c02', 'c01', 'c03']);
    expect(ranking.leaderboard.map((row) => row.objectiveValue)).toEqual([2, 3, 5]);
  });

  test('breaks ties by the lower index, then by id, whatever the input order', () => {
    const tied = [
      candidate('c07', 7, { log_loss: 0.3 }),
      candidate('c05-b', 5, { log_loss: 0.3 }),
      candidate('c05-a', 5, { log_loss: 0.3 }),
      candidate('c02', 2, { log_loss: 0.3 }),
    ];
    const expected = ['c02', 'c05-a', 'c05-b', 'c07'];
    expect(rankCandidates(tied, 'log_loss').leaderboard.map((row) => row.id)).toEqual(expected);
    expect(
      rankCandidates([...tied].reverse(), 'log_loss').leaderboard.map((row) => row.id),
    ).toEqual(expected);
  });

  test('ranks a missing or NaN objective last, whichever way the objective points', () => {
    const candidates = [
      candidate('c00', 0, { roc_auc: Number.NaN }),
      candidate('c01', 1, { accuracy: 0.9 }),
      candidate('c02', 2, { roc_auc: 0.6 }),
      candidate('c03', 3, { roc_auc: 0.7 }),
    ];
    const ranking = rankCandidates(candidates, 'roc_auc');
    expect(ranking.leaderboard.map((row) => row.id)).toEqual(['c03', 'c02', 'c00', 'c01']);
    expect(ranking.leaderboard.map((row) => row.objectiveValue)).toEqual([
      0.7,
      0.6,
      undefined,
      undefined,
    ]);

    const lower = rankCandidates(
      [
        candidate('c00', 0, { rmse: Number.NaN }),
        candidate('c01', 1, { rmse: 9 }),
        candidate('c02', 2, {}),
      ],
      'rmse',
    );
    expect(lower.leaderboard.map((row) => row.id)).toEqual(['c01', 'c00', 'c02']);
  });

  test('puts no one forward from an empty list', () => {
    expect(rankCandidates([], 'roc_auc')).toEqual({
      outcome: 'no-candidate-passed',
      leaderboard: [],
      reason: 'no candidate produced metrics',
    });
  });

  test('puts no one forward when no candidate has a value for the objective', () => {
    const ranking = rankCandidates([candidate('c01', 0, { roc_auc: Number.NaN })], 'roc_auc');
    expect(ranking.outcome).toBe('no-candidate-passed');
    if (ranking.outcome === 'no-candidate-passed') expect(ranking.reason).toMatch(/roc_auc/);
  });
});

describe("checkGates (on the chosen model's test metrics)", () => {
  const chosen = { id: 'c03', algorithm: 'xgboost' };

  test('passes when every gate is met, and records each verdict', () => {
    const result = checkGates(chosen, { roc_auc: 0.91, log_loss: 0.3 }, [
      'roc_auc >= 0.80',
      'log_loss < 0.5',
    ]);
    expect(result.passed).toBe(true);
    expect(result.reason).toBeUndefined();
    expect(result.verdicts).toEqual([
      { gate: 'roc_auc >= 0.80', metric: 'roc_auc', observed: 0.91, passed: true },
      { gate: 'log_loss < 0.5', metric: 'log_loss', observed: 0.3, passed: true },
    ]);
  });

  test('says which test value fell short of which gate', () => {
    expect(
      checkGates(chosen, { roc_auc: 0.7712, f1: 0.5 }, ['f1 >= 0.4', 'roc_auc >= 0.80']),
    ).toMatchObject({
      passed: false,
      reason:
        'best candidate c03 (xgboost) has test roc_auc 0.7712, gate "roc_auc >= 0.80" not met',
    });
  });

  test('names every failed gate, including a metric the model does not have', () => {
    const result = checkGates({ id: 'c04', algorithm: 'random-forest' }, { rmse: 3.25 }, [
      'rmse <= 3',
      'r2 >= 0.5',
    ]);
    expect(result.reason).toBe(
      'best candidate c04 (random-forest) has test rmse 3.25, gate "rmse <= 3" not met; ' +
        'and no test r2 value, gate "r2 >= 0.5" not met',
    );
  });

  test('fails a NaN test value as missing', () => {
    const result = checkGates(chosen, { roc_auc: Number.NaN }, ['roc_auc >= 0.5']);
    expect(result.verdicts[0]).toEqual({
      gate: 'roc_auc >= 0.5',
      metric: 'roc_auc',
      observed: undefined,
      passed: false,
    });
  });

  test('shows enough digits that a value just short of a gate does not read as meeting it', () => {
    expect(checkGates(chosen, { roc_auc: 0.799996 }, ['roc_auc >= 0.8']).reason).toBe(
      'best candidate c03 (xgboost) has test roc_auc 0.799996, gate "roc_auc >= 0.8" not met',
    );
  });

  test('refuses a gate that the pipeline validator would have refused', () => {
    expect(() => checkGates(chosen, { roc_auc: 0.9 }, ['auc >= 0.8'])).toThrow(
      /gate "auc >= 0.8" is invalid \(unknown metric 'auc'\)/,
    );
  });
});

describe('passesGate', () => {
  test.each([
    ['roc_auc >= 0.8', 0.8, true],
    ['roc_auc >= 0.8', 0.79, false],
    ['roc_auc > 0.8', 0.8, false],
    ['roc_auc > 0.8', 0.81, true],
    ['rmse <= 3', 3, true],
    ['rmse <= 3', 3.01, false],
    ['rmse < 3', 3, false],
    ['rmse < 3', 2.99, true],
  ] as const)('%s with %d passes: %s', (text, observed, expected) => {
    expect(passesGate(gate(text), observed)).toBe(expected);
  });

  test('fails a missing or NaN value', () => {
    expect(passesGate(gate('rmse < 3'), undefined)).toBe(false);
    expect(passesGate(gate('rmse < 3'), Number.NaN)).toBe(false);
  });
});
