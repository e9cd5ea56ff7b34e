import { parseGate, passesGate, type ThresholdGate } from '../../../src/config/gate';
import type { MetricName } from '../../../src/evaluation/metric-names';
import { selectCandidate, type ScoredCandidate } from '../../../src/evaluation/select';

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
    metrics,
    modelDir: `/models/${id}`,
  };
}

function gate(text: string): ThresholdGate {
  const parsed = parseGate(text);
  if (!parsed.ok) throw new Error(`test gate "${text}" does not parse`);
  return parsed.gate;
}

describe('selectCandidate', () => {
  test('ranks a higher-is-better objective from the highest value down', () => {
    const selection = selectCandidate(
      [
        candidate('c01', 0, { roc_auc: 0.8 }),
        candidate('c02', 1, { roc_auc: 0.9 }),
        candidate('c03', 2, { roc_auc: 0.85 }),
      ],
      'roc_auc',
      [],
    );
    expect(selection.leaderboard.map((row) => [row.rank, row.id])).toEqual([
      [1, 'c02'],
      [2, 'c03'],
      [3, 'c01'],
    ]);
    expect(selection.outcome).toBe('selected');
    if (selection.outcome === 'selected') expect(selection.winner.id).toBe('c02');
  });

  test('ranks a lower-is-better objective from the lowest value up', () => {
    const selection = selectCandidate(
      [
        candidate('c01', 0, { rmse: 3 }),
        candidate('c02', 1, { rmse: 2 }),
        candidate('c03', 2, { rmse: 5 }),
      ],
      'rmse',
      [],
    );
    expect(selection.leaderboard.map((row) => row.id)).toEqual(['c02', 'c01', 'c03']);
    expect(selection.leaderboard.map((row) => row.objectiveValue)).toEqual([2, 3, 5]);
  });

  test('breaks ties by the lower index, then by id, whatever the input order', () => {
    const tied = [
      candidate('c07', 7, { log_loss: 0.3 }),
      candidate('c05-b', 5, { log_loss: 0.3 }),
      candidate('c05-a', 5, { log_loss: 0.3 }),
      candidate('c02', 2, { log_loss: 0.3 }),
    ];
    const expected = ['c02', 'c05-a', 'c05-b', 'c07'];
    expect(selectCandidate(tied, 'log_loss', []).leaderboard.map((row) => row.id)).toEqual(
      expected,
    );
    expect(
      selectCandidate([...tied].reverse(), 'log_loss', []).leaderboard.map((row) => row.id),
    ).toEqual(expected);
  });

  test('ranks a missing or NaN objective last, whichever way the objective points', () => {
    const candidates = [
      candidate('c00', 0, { roc_auc: Number.NaN }),
      candidate('c01', 1, { accuracy: 0.9 }),
      candidate('c02', 2, { roc_auc: 0.6 }),
      candidate('c03', 3, { roc_auc: 0.7 }),
    ];
    const selection = selectCandidate(candidates, 'roc_auc', []);
    expect(selection.leaderboard.map((row) => row.id)).toEqual(['c03', 'c02', 'c00', 'c01']);
    expect(selection.leaderboard.map((row) => row.objectiveValue)).toEqual([
      0.7,
      0.6,
      undefined,
      undefined,
    ]);

    const lower = selectCandidate(
      [
        candidate('c00', 0, { rmse: Number.NaN }),
        candidate('c01', 1, { rmse: 9 }),
        candidate('c02', 2, {}),
      ],
      'rmse',
      [],
    );
    expect(lower.leaderboard.map((row) => row.id)).toEqual(['c01', 'c00', 'c02']);
  });

  test('selects the best candidate when it passes every gate, and records each verdict', () => {
    const selection = selectCandidate(
      [
        candidate('c01', 0, { roc_auc: 0.91, log_loss: 0.3 }),
        candidate('c02', 1, { roc_auc: 0.7 }),
      ],
      'roc_auc',
      ['roc_auc >= 0.80', 'log_loss < 0.5'],
    );
    if (selection.outcome !== 'selected') throw new Error(`expected a winner: ${selection.reason}`);
    expect(selection.winner.id).toBe('c01');
    expect(selection.winner.passedGates).toBe(true);
    expect(selection.winner.gates).toEqual([
      { gate: 'roc_auc >= 0.80', metric: 'roc_auc', observed: 0.91, passed: true },
      { gate: 'log_loss < 0.5', metric: 'log_loss', observed: 0.3, passed: true },
    ]);
    const second = selection.leaderboard[1];
    expect(second?.passedGates).toBe(false);
    expect(second?.gates[1]).toEqual({
      gate: 'log_loss < 0.5',
      metric: 'log_loss',
      observed: undefined,
      passed: false,
    });
  });

  test('selects no one when the best candidate fails a gate, even if a lower one passes', () => {
    const selection = selectCandidate(
      [
        candidate('c01', 0, { roc_auc: 0.7, f1: 0.9 }, 'linear'),
        candidate('c03', 2, { roc_auc: 0.7712, f1: 0.5 }, 'xgboost'),
      ],
      'roc_auc',
      ['f1 >= 0.4', 'roc_auc >= 0.80'],
    );
    expect(selection).toMatchObject({
      outcome: 'no-candidate-passed',
      reason: 'best candidate c03 (xgboost) has roc_auc 0.7712, gate "roc_auc >= 0.80" not met',
    });
    expect(selection.leaderboard.map((row) => row.id)).toEqual(['c03', 'c01']);
  });

  test('names every failed gate, including a metric the candidate does not have', () => {
    const selection = selectCandidate(
      [candidate('c04', 4, { rmse: 3.25 }, 'random-forest')],
      'rmse',
      ['rmse <= 3', 'r2 >= 0.5'],
    );
    expect(selection).toMatchObject({
      outcome: 'no-candidate-passed',
      reason:
        'best candidate c04 (random-forest) has rmse 3.25, gate "rmse <= 3" not met; ' +
        'and no r2 value, gate "r2 >= 0.5" not met',
    });
  });

  test('shows enough digits that a value just short of a gate does not read as meeting it', () => {
    const selection = selectCandidate([candidate('c01', 0, { roc_auc: 0.799996 })], 'roc_auc', [
      'roc_auc >= 0.8',
    ]);
    expect(selection).toMatchObject({
      reason: 'best candidate c01 (xgboost) has roc_auc 0.799996, gate "roc_auc >= 0.8" not met',
    });
  });

  test('selects no one from an empty list', () => {
    expect(selectCandidate([], 'roc_auc', ['roc_auc >= 0.8'])).toEqual({
      outcome: 'no-candidate-passed',
      leaderboard: [],
      reason: 'no candidate produced metrics',
    });
  });

  test('selects no one when no candidate has a value for the objective', () => {
    const selection = selectCandidate(
      [candidate('c01', 0, { roc_auc: Number.NaN })],
      'roc_auc',
      [],
    );
    expect(selection.outcome).toBe('no-candidate-passed');
    if (selection.outcome === 'no-candidate-passed') expect(selection.reason).toMatch(/roc_auc/);
  });

  test('refuses a gate that the pipeline validator would have refused', () => {
    expect(() =>
      selectCandidate([candidate('c01', 0, { roc_auc: 0.9 })], 'roc_auc', ['auc >= 0.8']),
    ).toThrow(/gate "auc >= 0.8" is invalid \(unknown metric 'auc'\)/);
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
