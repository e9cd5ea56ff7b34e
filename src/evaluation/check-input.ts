import { MetricInputError } from './metric-input-error';

/**
 * Checks shared by the three tasks. scikit-learn rejects the same inputs
 * (check_consistent_length, assert_all_finite, the [0, 1] check of
 * log_loss); failing here with the array's name and the offending index
 * saves a reader from guessing which of thousands of rows was wrong.
 */
export function checkSameLength(
  task: string,
  yTrue: readonly unknown[],
  name: string,
  other: readonly unknown[],
): void {
  if (yTrue.length === 0) {
    throw new MetricInputError(`${task} metrics: yTrue is empty; pass at least one row`);
  }
  if (other.length !== yTrue.length) {
    throw new MetricInputError(
      `${task} metrics: ${name} has ${other.length} values but yTrue has ${yTrue.length}; ` +
        `pass one ${name} value per row of yTrue`,
    );
  }
}

export function checkFinite(task: string, name: string, values: readonly number[]): void {
  const index = values.findIndex((value) => !Number.isFinite(value));
  if (index >= 0) {
    throw new MetricInputError(
      `${task} metrics: ${name}[${index}] is ${String(values[index])}; every value must be a finite number`,
    );
  }
}

export function checkProbabilities(task: string, name: string, values: readonly number[]): void {
  checkFinite(task, name, values);
  const index = values.findIndex((value) => value < 0 || value > 1);
  if (index >= 0) {
    throw new MetricInputError(
      `${task} metrics: ${name}[${index}] is ${String(values[index])}; probabilities must lie in [0, 1]`,
    );
  }
}

/** Labels must be integers 0..classCount-1 (class indices, as the trainers write them). */
export function checkLabels(
  task: string,
  name: string,
  labels: readonly number[],
  classCount: number,
): void {
  const index = labels.findIndex(
    (label) => !Number.isInteger(label) || label < 0 || label >= classCount,
  );
  if (index >= 0) {
    throw new MetricInputError(
      `${task} metrics: ${name}[${index}] is ${String(labels[index])}; ` +
        `labels must be class indices 0..${classCount - 1}`,
    );
  }
}
