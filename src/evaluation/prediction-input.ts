import type { MetricInput } from './metrics';
import type { Task } from './metric-names';

/** What a model's inference functions answer for a batch (algorithms/README.md). */
export type ModelAnswer =
  { classes: string[]; probabilities: number[][] } | { predictions: number[] };

/** A true label the model never saw: no class index, so no metric can take the row. */
export class UnknownLabelError extends Error {
  constructor(
    readonly label: string,
    readonly classes: readonly string[],
  ) {
    super(`label '${label}' is not one of the model's classes (${classes.join(', ')})`);
  }
}

/**
 * A model's answer and the true labels as the metrics take them: labels as
 * indices into the model's own class order, and for binary tasks the
 * positive class's probability (train.py orders binary classes so the
 * positive one is second). One implementation for the evaluation activity
 * and the quality benchmark.
 */
export function metricInputOf(
  task: Task,
  truth: readonly string[],
  answer: ModelAnswer,
): MetricInput {
  if ('predictions' in answer) {
    if (task !== 'regression')
      throw new Error(`a ${task} model answered with regression predictions`);
    return { task, yTrue: truth.map(Number), yPred: answer.predictions };
  }
  if (task === 'regression')
    throw new Error('a regression model answered with class probabilities');
  const { classes, probabilities } = answer;
  const yTrue = truth.map((label) => {
    const index = classes.indexOf(label);
    if (index === -1) throw new UnknownLabelError(label, classes);
    return index;
  });
  if (task === 'binary') {
    return { task, yTrue, scores: probabilities.map((row) => row[1] ?? Number.NaN) };
  }
  return { task, yTrue, probabilities, classCount: classes.length };
}
