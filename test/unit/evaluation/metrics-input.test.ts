import { computeMetrics, type MetricInput } from '../../../src/evaluation/metrics';
import { MetricInputError } from '../../../src/evaluation/metric-input-error';

// Small cases worked by hand, for the edge cases where a tolerance-based
// comparison with sklearn cannot tell right from wrong, and the inputs that
// must be refused.

describe('metrics on hand-worked examples', () => {
  test('a tie between a positive and a negative counts as half a correct pair in ROC AUC', () => {
    // Pairs (positive, negative): (0.5, 0.5) half, (0.5, 0.2), (0.8, 0.5), (0.8, 0.2) right.
    const metrics = computeMetrics({
      task: 'binary',
      yTrue: [0, 1, 0, 1],
      scores: [0.5, 0.5, 0.2, 0.8],
    });
    expect(metrics.roc_auc).toBeCloseTo(3.5 / 4, 15);
    // Thresholds 0.8 (P 1, R 1/2), 0.5 (P 2/3, R 1), 0.2 (no new recall).
    expect(metrics.pr_auc).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 15);
    // Predicted positive at >= 0.5: rows 0, 1, 3; tp 2, fp 1, fn 0, tn 1.
    expect(metrics.precision).toBeCloseTo(2 / 3, 15);
    expect(metrics.recall).toBe(1);
    expect(metrics.accuracy).toBe(0.75);
  });

  test('a certain right prediction costs 2^-52 of log loss, not 0, as sklearn clips to 1 - eps', () => {
    const metrics = computeMetrics({ task: 'binary', yTrue: [1, 0], scores: [1, 0] });
    // -log(1 - 2^-52) = 2^-52 + 2^-105 + ...
    expect((metrics.log_loss ?? 0) / 2 ** -52).toBeCloseTo(1, 12);
  });

  test('a certain wrong prediction costs -log(2^-52) of log loss, not infinity', () => {
    const metrics = computeMetrics({ task: 'binary', yTrue: [1, 0], scores: [0, 1] });
    expect(metrics.log_loss).toBeCloseTo(52 * Math.LN2, 12);
  });

  test('precision, F1 and MCC are 0 when nothing is predicted positive', () => {
    const metrics = computeMetrics({
      task: 'binary',
      yTrue: [1, 0, 1, 0],
      scores: [0.4, 0.1, 0.3, 0.2],
    });
    expect(metrics).toMatchObject({ precision: 0, recall: 0, f1: 0, mcc: 0, accuracy: 0.5 });
  });

  test('multi-class F1 averages only over classes that are true or predicted somewhere', () => {
    // classCount 4, class 3 never appears. Class 0: tp 1, true 2, predicted 1 -> 2/3.
    // Class 1: tp 1, true 1, predicted 1 -> 1. Class 2: tp 0, true 0, predicted 1 -> 0.
    const metrics = computeMetrics({
      task: 'multiclass',
      classCount: 4,
      yTrue: [0, 0, 1],
      probabilities: [
        [0.7, 0.1, 0.1, 0.1],
        [0.1, 0.1, 0.7, 0.1],
        [0.2, 0.6, 0.1, 0.1],
      ],
    });
    expect(metrics.f1_macro).toBeCloseTo((2 / 3 + 1 + 0) / 3, 15);
    expect(metrics.f1_weighted).toBeCloseTo(((2 / 3) * 2 + 1 * 1) / 3, 15);
    expect(metrics.accuracy).toBeCloseTo(2 / 3, 15);
  });

  test('the first of tied probabilities is the predicted class', () => {
    const metrics = computeMetrics({
      task: 'multiclass',
      classCount: 3,
      yTrue: [0, 1],
      probabilities: [
        [0.4, 0.4, 0.2],
        [0.4, 0.4, 0.2],
      ],
    });
    expect(metrics.accuracy).toBe(0.5);
  });

  test('R² of a constant target is 1 for exact predictions and 0 otherwise', () => {
    expect(
      computeMetrics({ task: 'regression', yTrue: [2.5, 2.5, 2.5], yPred: [2.5, 2.5, 2.5] }).r2,
    ).toBe(1);
    expect(
      computeMetrics({ task: 'regression', yTrue: [2.5, 2.5, 2.5], yPred: [2, 3, 2.5] }).r2,
    ).toBe(0);
  });

  test('R² of a single row is NaN', () => {
    expect(computeMetrics({ task: 'regression', yTrue: [1], yPred: [2] }).r2).toBeNaN();
  });

  test('MAPE divides by eps where the target is 0', () => {
    // (|1 - 0| / 2^-52 + |3 - 2| / 2) / 2
    const metrics = computeMetrics({ task: 'regression', yTrue: [0, 2], yPred: [1, 3] });
    expect(metrics.mape).toBe(2 ** 51 + 0.25);
    expect(metrics).toMatchObject({ rmse: 1, mae: 1 });
  });
});

describe('metrics refuse inputs sklearn would refuse', () => {
  const refused: [string, MetricInput, RegExp][] = [
    ['empty input', { task: 'binary', yTrue: [], scores: [] }, /yTrue is empty/],
    [
      'lengths that differ',
      { task: 'binary', yTrue: [0, 1], scores: [0.5] },
      /scores has 1 values but yTrue has 2/,
    ],
    [
      'a binary label other than 0 or 1',
      { task: 'binary', yTrue: [0, 2], scores: [0.5, 0.5] },
      /yTrue\[1\] is 2/,
    ],
    [
      'a score above 1',
      { task: 'binary', yTrue: [0, 1], scores: [0.5, 1.2] },
      /scores\[1\] is 1.2; probabilities must lie in \[0, 1\]/,
    ],
    [
      'a NaN score',
      { task: 'binary', yTrue: [0, 1], scores: [Number.NaN, 0.5] },
      /scores\[0\] is NaN/,
    ],
    [
      'a probability row of the wrong width',
      {
        task: 'multiclass',
        classCount: 3,
        yTrue: [0, 1],
        probabilities: [
          [0.5, 0.5, 0],
          [0.5, 0.5],
        ],
      },
      /probabilities\[1\] has 2 values; each row needs one probability per class \(3\)/,
    ],
    [
      'a class index beyond classCount',
      {
        task: 'multiclass',
        classCount: 2,
        yTrue: [0, 2],
        probabilities: [
          [1, 0],
          [0, 1],
        ],
      },
      /yTrue\[1\] is 2; labels must be class indices 0..1/,
    ],
    [
      'a class count below 2',
      { task: 'multiclass', classCount: 1, yTrue: [0], probabilities: [[1]] },
      /classCount is 1/,
    ],
    [
      'an infinite prediction',
      { task: 'regression', yTrue: [1, 2], yPred: [1, Infinity] },
      /yPred\[1\] is Infinity/,
    ],
  ];

  test.each(refused)('%s', (_, input, message) => {
    expect(() => computeMetrics(input)).toThrow(MetricInputError);
    expect(() => computeMetrics(input)).toThrow(message);
  });
});
