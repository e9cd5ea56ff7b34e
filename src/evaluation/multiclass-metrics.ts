import { pairwiseSum } from './float-sum';
import {
  accuracyOf,
  confusionMatrix,
  matthewsCorrcoef,
  predictedCounts,
  trueCounts,
} from './confusion';
import { logLoss } from './log-loss';
import type { METRICS_BY_TASK } from './metric-names';

/** Every multi-class metric, so the compiler notices one left out. */
export type MulticlassMetrics = Record<(typeof METRICS_BY_TASK)['multiclass'][number], number>;

/**
 * Multi-class metrics from per-class probabilities (rows of classCount
 * values, column k = class k). Inputs are checked by computeMetrics.
 *
 * The predicted class is the first largest probability, as numpy.argmax.
 * Log loss is over all classCount classes (sklearn with labels=range(K)),
 * so a class missing from this split still costs what the model gave it.
 */
export function multiclassMetrics(
  yTrue: readonly number[],
  probabilities: readonly (readonly number[])[],
  classCount: number,
): MulticlassMetrics {
  const yPred = probabilities.map(argmax);
  const counts = confusionMatrix(yTrue, yPred, classCount);
  const { macro, weighted } = averagedF1(counts);
  return {
    accuracy: accuracyOf(counts),
    f1_macro: macro,
    f1_weighted: weighted,
    log_loss: logLoss(yTrue.map((trueClass, row) => probabilities[row]?.[trueClass] as number)),
    mcc: matthewsCorrcoef(counts),
  };
}

function argmax(row: readonly number[]): number {
  let best = 0;
  row.forEach((value, index) => {
    if (value > (row[best] as number)) best = index;
  });
  return best;
}

/**
 * Macro and support-weighted F1 as sklearn's f1_score computes them by
 * default, over the classes present in yTrue or in the predictions, not
 * over all classCount: a class that is neither true nor predicted anywhere
 * has F1 = 0/0 and sklearn leaves it out of the average rather than count
 * it as 0. A class predicted but never true is kept, with F1 0.
 */
function averagedF1(counts: number[][]): { macro: number; weighted: number } {
  const actual = trueCounts(counts);
  const predicted = predictedCounts(counts);
  const present = actual
    .map((_, label) => label)
    .filter((label) => (actual[label] as number) + (predicted[label] as number) > 0);
  // 2·tp / (actual + predicted): sklearn's form, one rounding per class.
  const f1 = present.map(
    (label) =>
      (2 * (counts[label]?.[label] as number)) /
      ((actual[label] as number) + (predicted[label] as number)),
  );
  const supports = present.map((label) => actual[label] as number);
  return {
    macro: pairwiseSum(f1) / f1.length,
    // numpy.average: sum(f1 · support) / sum(support).
    weighted:
      pairwiseSum(f1.map((score, index) => score * (supports[index] as number))) /
      pairwiseSum(supports),
  };
}
