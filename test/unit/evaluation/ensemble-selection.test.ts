import { selectEnsemble } from '../../../src/evaluation/ensemble-selection';
import { computeMetrics } from '../../../src/evaluation/metrics';

const binary = (scores: number[]) => scores.map((p) => [1 - p, p]);
const regression = (values: number[]) => values.map((v) => [v]);

describe('selectEnsemble (Caruana forward selection with replacement)', () => {
  it('averages two complementary classifiers into an ensemble that beats both', () => {
    // Each model alone calls every row the same class (accuracy 0.5); their mean gets all four right.
    const yTrue = [1, 1, 0, 0];
    const a = binary([0.9, 0.9, 0.6, 0.6]);
    const b = binary([0.4, 0.4, 0.1, 0.1]);
    const single = (outputs: number[][]) =>
      computeMetrics({ task: 'binary', yTrue, scores: outputs.map((row) => row[1] as number) });
    expect(single(a).accuracy).toBe(0.5);
    expect(single(b).accuracy).toBe(0.5);

    const chosen = selectEnsemble({
      task: 'binary',
      objective: 'accuracy',
      yTrue,
      members: [
        { id: 'a', outputs: a },
        { id: 'b', outputs: b },
      ],
    });

    expect(chosen.weights).toEqual([
      { id: 'a', weight: 0.5 },
      { id: 'b', weight: 0.5 },
    ]);
    expect(chosen.metrics.accuracy).toBe(1);
    expect(chosen.bestSingleId).toBe('a');
    // Later rounds only tie it, so the earliest ensemble with that score is kept.
    expect(chosen.rounds).toBe(2);
  });

  it('picks a member more than once, and matches the best of every weighting of up to three picks', () => {
    // y = 1; a says 0 (rmse 1), b says 3 (rmse 2). a, then b (mean 1.5), then a again (mean 1): exact.
    const yTrue = [1, 1];
    const members = [
      { id: 'a', outputs: regression([0, 0]) },
      { id: 'b', outputs: regression([3, 3]) },
    ];
    const chosen = selectEnsemble({ task: 'regression', objective: 'rmse', yTrue, members });
    expect(chosen.weights).toEqual([
      { id: 'a', weight: 2 / 3 },
      { id: 'b', weight: 1 / 3 },
    ]);
    expect(chosen.metrics.rmse).toBe(0);
    expect(chosen.rounds).toBe(3);

    // Brute force over every (count a, count b) with 1..3 picks in all.
    let bestRmse = Number.POSITIVE_INFINITY;
    for (let na = 0; na <= 3; na += 1) {
      for (let nb = 0; na + nb <= 3; nb += 1) {
        if (na + nb === 0) continue;
        const mean = (0 * na + 3 * nb) / (na + nb);
        const { rmse } = computeMetrics({ task: 'regression', yTrue, yPred: [mean, mean] });
        bestRmse = Math.min(bestRmse, rmse as number);
      }
    }
    expect(chosen.metrics.rmse).toBe(bestRmse);
  });

  it('gives weights that sum to 1 and reports the metrics of the weighted average', () => {
    const yTrue = [0, 1, 2, 0, 1, 2, 1];
    const rows = (seed: number) =>
      yTrue.map((_, i) => {
        const raw = [1 + ((i * seed) % 3), 1 + ((i + seed) % 4), 1 + ((i * 7 + seed) % 5)];
        const total = raw.reduce((s, v) => s + v, 0);
        return raw.map((v) => v / total);
      });
    const members = [1, 2, 3, 4].map((seed) => ({ id: `c0${seed}`, outputs: rows(seed) }));
    const chosen = selectEnsemble({
      task: 'multiclass',
      objective: 'log_loss',
      yTrue,
      classCount: 3,
      members,
      rounds: 10,
    });
    const total = chosen.weights.reduce((s, w) => s + w.weight, 0);
    expect(total).toBeCloseTo(1, 12);
    const average = yTrue.map((_, i) =>
      [0, 1, 2].map((k) =>
        chosen.weights.reduce((s, w) => {
          const member = members.find((m) => m.id === w.id);
          return s + w.weight * (member?.outputs[i]?.[k] ?? Number.NaN);
        }, 0),
      ),
    );
    const expected = computeMetrics({
      task: 'multiclass',
      yTrue,
      probabilities: average,
      classCount: 3,
    });
    expect(chosen.metrics.log_loss).toBeCloseTo(expected.log_loss as number, 10);
    // Never worse than the best single member on these rows.
    for (const member of members) {
      const alone = computeMetrics({
        task: 'multiclass',
        yTrue,
        probabilities: member.outputs,
        classCount: 3,
      });
      expect(chosen.metrics.log_loss as number).toBeLessThanOrEqual(alone.log_loss as number);
    }
  });

  it('keeps the best single model alone when no addition improves on it', () => {
    const yTrue = [1, 2, 3];
    const chosen = selectEnsemble({
      task: 'regression',
      objective: 'mae',
      yTrue,
      members: [
        { id: 'exact', outputs: regression([1, 2, 3]) },
        { id: 'off', outputs: regression([5, 5, 5]) },
      ],
    });
    expect(chosen.weights).toEqual([{ id: 'exact', weight: 1 }]);
    expect(chosen.rounds).toBe(1);
  });

  it('refuses a member whose predictions do not cover the rows', () => {
    expect(() =>
      selectEnsemble({
        task: 'regression',
        objective: 'rmse',
        yTrue: [1, 2],
        members: [{ id: 'short', outputs: regression([1]) }],
      }),
    ).toThrow('member short has 1 predictions for 2 rows');
  });
});
