/**
 * Label-based metrics shared by the binary and multi-class tasks, computed
 * from a confusion matrix the way scikit-learn's matthews_corrcoef does.
 */

/** counts[t][p] = rows whose true class is t and predicted class is p. */
export type ConfusionMatrix = number[][];

export function confusionMatrix(
  yTrue: readonly number[],
  yPred: readonly number[],
  classCount: number,
): ConfusionMatrix {
  const counts = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  yTrue.forEach((trueClass, row) => {
    const counted = counts[trueClass] as number[];
    const predicted = yPred[row] as number;
    counted[predicted] = (counted[predicted] as number) + 1;
  });
  return counts;
}

/** Rows of each true class (the support), indexed by class. */
export function trueCounts(counts: ConfusionMatrix): number[] {
  return counts.map((row) => row.reduce((sum, count) => sum + count, 0));
}

/** Rows predicted as each class, indexed by class. */
export function predictedCounts(counts: ConfusionMatrix): number[] {
  return counts.map((_, column) => counts.reduce((sum, row) => sum + (row[column] as number), 0));
}

function correctCount(counts: ConfusionMatrix): number {
  return counts.reduce((sum, row, index) => sum + (row[index] as number), 0);
}

export function accuracyOf(counts: ConfusionMatrix): number {
  return correctCount(counts) / trueCounts(counts).reduce((sum, count) => sum + count, 0);
}

/**
 * Matthews correlation, multi-class form (Gorodkin's R_K), which sklearn
 * also uses for two classes. Every intermediate is an integer below 2^53 for
 * any realistic row count, so it is exact; the product is formed before the
 * square root, as sklearn does, so even the last bit agrees. Classes that
 * never occur add zero rows and columns and change nothing. 0 when either
 * labelling is constant (the correlation is undefined), as in sklearn.
 */
export function matthewsCorrcoef(counts: ConfusionMatrix): number {
  const actual = trueCounts(counts);
  const predicted = predictedCounts(counts);
  const rowCount = predicted.reduce((sum, count) => sum + count, 0);
  const covTruePred = correctCount(counts) * rowCount - dot(actual, predicted);
  const covPredPred = rowCount * rowCount - dot(predicted, predicted);
  const covTrueTrue = rowCount * rowCount - dot(actual, actual);
  const denominatorSquared = covPredPred * covTrueTrue;
  if (denominatorSquared === 0) return 0;
  return covTruePred / Math.sqrt(denominatorSquared);
}

function dot(left: readonly number[], right: readonly number[]): number {
  return left.reduce((sum, value, index) => sum + value * (right[index] as number), 0);
}
