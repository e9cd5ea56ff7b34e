import { pairwiseSum } from './float-sum';

/**
 * ROC AUC and average precision for binary scores, following scikit-learn's
 * roc_auc_score and average_precision_score step by step (same thresholds,
 * same points dropped, same products and the same summation order), so the
 * results agree with sklearn's to rounding rather than to a tolerance.
 */

/** Cumulative counts at each distinct score, from the highest score down. */
interface ThresholdCounts {
  truePositives: number[];
  falsePositives: number[];
}

/**
 * Tied scores form one threshold: the curve jumps over the whole tie at
 * once, which is what makes the area correct when many scores are equal
 * (the trapezoid across a tie counts each positive-negative pair in it as
 * half right).
 */
function countsAtThresholds(yTrue: readonly number[], scores: readonly number[]): ThresholdCounts {
  const order = scores.map((_, index) => index);
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const truePositives: number[] = [];
  const falsePositives: number[] = [];
  let positives = 0;
  order.forEach((row, position) => {
    positives += yTrue[row] as number;
    const next = order[position + 1];
    if (next === undefined || scores[next] !== scores[row]) {
      truePositives.push(positives);
      falsePositives.push(position + 1 - positives);
    }
  });
  return { truePositives, falsePositives };
}

/**
 * Area under the ROC curve; NaN when yTrue holds one class only (sklearn
 * warns and returns NaN too: the rate on the missing axis is 0/0).
 */
export function rocAuc(yTrue: readonly number[], scores: readonly number[]): number {
  const { truePositives, falsePositives } = countsAtThresholds(yTrue, scores);
  const positives = truePositives.at(-1) as number;
  const negatives = falsePositives.at(-1) as number;
  if (positives === 0 || negatives === 0) return Number.NaN;

  // sklearn's roc_curve(drop_intermediate=True) drops points collinear with
  // their neighbours; they add no area, but dropping them changes rounding.
  const kept = truePositives
    .map((_, index) => index)
    .filter(
      (index) =>
        index === 0 ||
        index === truePositives.length - 1 ||
        secondDifference(falsePositives, index) !== 0 ||
        secondDifference(truePositives, index) !== 0,
    );
  const fpr = [0, ...kept.map((index) => (falsePositives[index] as number) / negatives)];
  const tpr = [0, ...kept.map((index) => (truePositives[index] as number) / positives)];

  // numpy.trapezoid: sum of dx * (y[i+1] + y[i]) / 2.
  const areas = fpr.slice(1).map((right, index) => {
    const left = fpr[index] as number;
    return ((right - left) * ((tpr[index + 1] as number) + (tpr[index] as number))) / 2;
  });
  return pairwiseSum(areas);
}

function secondDifference(values: readonly number[], index: number): number {
  const before = values[index - 1] as number;
  const here = values[index] as number;
  const after = values[index + 1] as number;
  return after - here - (here - before);
}

/**
 * Average precision: precision at each threshold weighted by the recall it
 * adds (no interpolation). With no positive rows sklearn sets recall to 1
 * at every threshold, which makes the score 0; this does the same.
 */
export function averagePrecision(yTrue: readonly number[], scores: readonly number[]): number {
  const { truePositives, falsePositives } = countsAtThresholds(yTrue, scores);
  const positives = truePositives.at(-1) as number;
  const precision = truePositives.map((tp, index) => tp / (tp + (falsePositives[index] as number)));
  const recall = truePositives.map((tp) => (positives === 0 ? 1 : tp / positives));

  // sklearn reverses the curve (lowest threshold first), appends recall 0,
  // and sums diff(recall) * precision in that order, then negates.
  const steps: number[] = [];
  for (let index = recall.length - 1; index >= 0; index -= 1) {
    const previousRecall = index === 0 ? 0 : (recall[index - 1] as number);
    steps.push((previousRecall - (recall[index] as number)) * (precision[index] as number));
  }
  // sklearn clips the -0.0 that the negation can produce.
  return Math.max(0, -pairwiseSum(steps));
}
