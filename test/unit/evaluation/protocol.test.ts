import { evaluationSchema } from '../../../src/config/pipeline-schema';
import { meanRounds, summariseFolds } from '../../../src/evaluation/fold-summary';
import { chooseProtocol, describeProtocol } from '../../../src/evaluation/protocol';

const defaults = evaluationSchema.parse({});

describe('chooseProtocol', () => {
  test('the size rule picks 5-fold CV for small data and holdout for large', () => {
    expect(chooseProtocol(defaults, { train: 4_930, validation: 1_056 }, 19)).toEqual({
      method: 'cv',
      folds: 5,
      rows: 5_986,
      refit: true,
      chosenBy: 'size rule',
    });
    expect(chooseProtocol(defaults, { train: 493_000, validation: 105_600 }, 19)).toEqual({
      method: 'holdout',
      rows: 105_600,
      refit: true,
      chosenBy: 'size rule',
    });
    // Few rows but many cells: 50,000 x 300 columns is past 10 million cells.
    expect(chooseProtocol(defaults, { train: 40_000, validation: 10_000 }, 300).method).toBe(
      'holdout',
    );
  });

  test('the pipeline file decides when it names a method', () => {
    const holdout = evaluationSchema.parse({ method: 'holdout', refit: false });
    expect(chooseProtocol(holdout, { train: 240, validation: 52 }, 6)).toEqual({
      method: 'holdout',
      rows: 52,
      refit: false,
      chosenBy: 'pipeline file',
    });
    const cv = evaluationSchema.parse({ method: 'cv', folds: 3 });
    expect(chooseProtocol(cv, { train: 400_000, validation: 100_000 }, 6)).toMatchObject({
      method: 'cv',
      folds: 3,
      chosenBy: 'pipeline file',
    });
  });

  test('describes where the scores come from', () => {
    expect(
      describeProtocol(chooseProtocol(defaults, { train: 4_930, validation: 1_056 }, 19)),
    ).toBe('5-fold cross-validation on train + validation (5,986 rows)');
    expect(
      describeProtocol({ method: 'holdout', rows: 1_056, refit: true, chosenBy: 'pipeline file' }),
    ).toBe('the validation split (1,056 rows)');
  });
});

describe('summariseFolds', () => {
  test('gives the mean and the sample standard deviation of each metric', () => {
    const { mean, spread } = summariseFolds([
      { roc_auc: 0.8, log_loss: 0.5 },
      { roc_auc: 0.9, log_loss: 0.4 },
      { roc_auc: 0.85, log_loss: 0.45 },
    ]);
    expect(mean.roc_auc).toBeCloseTo(0.85, 12);
    expect(mean.log_loss).toBeCloseTo(0.45, 12);
    // numpy.std([0.8, 0.9, 0.85], ddof=1) = 0.05
    expect(spread.roc_auc).toBeCloseTo(0.05, 12);
  });

  test('leaves out a metric that a fold could not score, rather than averaging around it', () => {
    const { mean, spread } = summariseFolds([
      { roc_auc: Number.NaN, accuracy: 0.9 },
      { roc_auc: 0.7, accuracy: 0.8 },
    ]);
    expect(mean).toEqual({ accuracy: expect.closeTo(0.85, 12) as number });
    expect(spread.roc_auc).toBeUndefined();
  });

  test('averages the folds’ early-stopping rounds, and has none if a fold has none', () => {
    expect(meanRounds([40, 45, 52])).toBe(46);
    expect(meanRounds([40, undefined])).toBeUndefined();
    expect(meanRounds([])).toBeUndefined();
  });
});
