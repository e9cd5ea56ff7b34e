import { accuracyOf, confusionMatrix, matthewsCorrcoef } from './confusion';
import { logLoss } from './log-loss';
import type { METRICS_BY_TASK } from './metric-names';
import { averagePrecision, rocAuc } from './ranking-metrics';

/**
 * A row is predicted positive from this score up. At exactly 0.5 this says
 * positive where a scikit-learn classifier's predict() says negative (it
 * takes the first of tied classes); label metrics here follow `>= 0.5`.
 */
const POSITIVE_THRESHOLD = 0.5;

/** Every binary metric, so the compiler notices one left out. */
export type BinaryMetrics = Record<(typeof METRICS_BY_TASK)['binary'][number], number>;

/**
 * Binary metrics from the probability of the positive class (yTrue 1).
 * Inputs are checked by computeMetrics.
 *
 * Precision, recall and F1 follow sklearn's zero_division default: 0 when
 * the ratio is 0/0 (no predicted positives, no actual positives). Log loss
 * always uses both classes {0, 1}, even if yTrue holds one of them only
 * (sklearn would need labels=[0, 1] for that).
 */
export function binaryMetrics(yTrue: readonly number[], scores: readonly number[]): BinaryMetrics {
  const yPred = scores.map((score) => (score >= POSITIVE_THRESHOLD ? 1 : 0));
  const counts = confusionMatrix(yTrue, yPred, 2);
  const [negativeRow = [], positiveRow = []] = counts;
  const truePositives = positiveRow[1] ?? 0;
  const actualPositives = truePositives + (positiveRow[0] ?? 0);
  const predictedPositives = truePositives + (negativeRow[1] ?? 0);
  return {
    roc_auc: rocAuc(yTrue, scores),
    pr_auc: averagePrecision(yTrue, scores),
    // 1 - p is formed before clipping, as sklearn stacks [1 - p, p] first.
    log_loss: logLoss(scores.map((score, row) => (yTrue[row] === 1 ? score : 1 - score))),
    accuracy: accuracyOf(counts),
    precision: ratioOrZero(truePositives, predictedPositives),
    recall: ratioOrZero(truePositives, actualPositives),
    // 2·tp / (actual + predicted): sklearn's form, exact in integers.
    f1: ratioOrZero(2 * truePositives, actualPositives + predictedPositives),
    mcc: matthewsCorrcoef(counts),
  };
}

function ratioOrZero(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
