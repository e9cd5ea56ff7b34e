import { binaryMetrics } from './binary-metrics';
import { checkFinite, checkLabels, checkProbabilities, checkSameLength } from './check-input';
import { MetricInputError } from './metric-input-error';
import type { MetricName } from './metric-names';
import { multiclassMetrics } from './multiclass-metrics';
import { regressionMetrics } from './regression-metrics';

/**
 * Metrics from predictions, one implementation for the local and SageMaker
 * backends (DESIGN.md §3), checked against scikit-learn 1.9 by
 * test/unit/evaluation/metrics-vs-sklearn.test.ts.
 *
 * Pure and deterministic (no I/O, clock or randomness), so workflow code may
 * import it as well as activities.
 */

export interface BinaryPredictions {
  task: 'binary';
  /** 1 for the positive class, 0 for the other. */
  yTrue: readonly number[];
  /** Probability of the positive class, one per row. */
  scores: readonly number[];
}

export interface MulticlassPredictions {
  task: 'multiclass';
  /** Class index 0..classCount-1 per row. */
  yTrue: readonly number[];
  /** One row of classCount probabilities per row of yTrue; column k is class k. */
  probabilities: readonly (readonly number[])[];
  /** Number of classes in the problem, including any absent from this split. */
  classCount: number;
}

export interface RegressionPredictions {
  task: 'regression';
  yTrue: readonly number[];
  yPred: readonly number[];
}

export type MetricInput = BinaryPredictions | MulticlassPredictions | RegressionPredictions;

export type MetricValues = Partial<Record<MetricName, number>>;

/**
 * Every metric of the input's task. Throws MetricInputError, naming the
 * array and the row, for inputs sklearn would also reject.
 */
export function computeMetrics(input: MetricInput): MetricValues {
  switch (input.task) {
    case 'binary':
      checkSameLength('binary', input.yTrue, 'scores', input.scores);
      checkLabels('binary', 'yTrue', input.yTrue, 2);
      checkProbabilities('binary', 'scores', input.scores);
      return binaryMetrics(input.yTrue, input.scores);
    case 'multiclass':
      checkMulticlass(input);
      return multiclassMetrics(input.yTrue, input.probabilities, input.classCount);
    case 'regression':
      checkSameLength('regression', input.yTrue, 'yPred', input.yPred);
      checkFinite('regression', 'yTrue', input.yTrue);
      checkFinite('regression', 'yPred', input.yPred);
      return regressionMetrics(input.yTrue, input.yPred);
  }
}

function checkMulticlass({ yTrue, probabilities, classCount }: MulticlassPredictions): void {
  if (!Number.isInteger(classCount) || classCount < 2) {
    throw new MetricInputError(
      `multiclass metrics: classCount is ${classCount}; it must be an integer of at least 2`,
    );
  }
  checkSameLength('multiclass', yTrue, 'probabilities', probabilities);
  checkLabels('multiclass', 'yTrue', yTrue, classCount);
  probabilities.forEach((row, index) => {
    if (row.length !== classCount) {
      throw new MetricInputError(
        `multiclass metrics: probabilities[${index}] has ${row.length} values; ` +
          `each row needs one probability per class (${classCount})`,
      );
    }
    checkProbabilities('multiclass', `probabilities[${index}]`, row);
  });
}
