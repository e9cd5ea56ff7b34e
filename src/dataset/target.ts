import type { Task } from '../evaluation/metric-names';
import { datasetError } from './dataset-error';
import type { Dataset } from './read-dataset';

/** Where the target is and, for classification, its classes in model order. */
export interface TargetInfo {
  column: number;
  /** Sorted labels; for binary, the positive class is last (index 1). */
  classes?: string[];
  /** Rows whose target is empty: they cannot be learnt from, so they are left out. */
  rowsWithoutTarget: number;
}

export function inspectTarget(
  dataset: Dataset,
  target: string,
  task: Task,
  positiveClass?: string,
): TargetInfo {
  const column = dataset.header.indexOf(target);
  if (column === -1) {
    throw datasetError(
      `the dataset has no column '${target}' (columns: ${dataset.header.join(', ')}); check dataset.target`,
    );
  }
  const values = dataset.rows.map((row) => (row.fields[column] ?? '').trim());
  const rowsWithoutTarget = values.filter((value) => value === '').length;
  if (task === 'regression') {
    dataset.rows.forEach((row, i) => {
      const value = values[i] ?? '';
      if (value !== '' && !Number.isFinite(Number(value))) {
        throw datasetError(
          `regression target '${target}' has the non-numeric value '${value}' on line ${row.line}; use task: binary or multiclass, or clean that value`,
        );
      }
    });
    return { column, rowsWithoutTarget };
  }
  const classes = [...new Set(values.filter((value) => value !== ''))].sort();
  if (classes.length < 2) {
    throw datasetError(
      `target '${target}' has only one class (${classes[0] ?? 'none'}); a classifier needs at least two`,
    );
  }
  if (task === 'binary' && classes.length > 2) {
    throw datasetError(
      `target '${target}' has ${classes.length} classes (${classes.slice(0, 6).join(', ')}), so it is not binary; use task: multiclass`,
    );
  }
  if (task === 'binary' && positiveClass !== undefined) {
    if (!classes.includes(positiveClass)) {
      throw datasetError(
        `dataset.positiveClass '${positiveClass}' is not a value of '${target}' (values: ${classes.join(', ')})`,
      );
    }
    return {
      column,
      classes: [...classes.filter((c) => c !== positiveClass), positiveClass],
      rowsWithoutTarget,
    };
  }
  return { column, classes, rowsWithoutTarget };
}
