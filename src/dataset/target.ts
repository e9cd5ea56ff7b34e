import type { Task } from '../evaluation/metric-names';
import { listColumns } from './column-names';
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
      `the dataset has no column '${target}' (its ${dataset.header.length} columns: ${listColumns(dataset.header)}); check dataset.target`,
    );
  }
  const values = dataset.rows.map((row) => (row.fields[column] ?? '').trim());
  const rowsWithoutTarget = values.filter((value) => value === '').length;
  if (task === 'regression') {
    dataset.rows.forEach((row, i) => {
      const value = values[i] ?? '';
      if (value !== '' && !Number.isFinite(Number(value))) {
        throw datasetError(
          `regression target '${target}' has a non-numeric value on line ${row.line}; use task: binary or multiclass, or clean that value`,
        );
      }
    });
    return { column, rowsWithoutTarget };
  }
  const classes = [...new Set(values.filter((value) => value !== ''))].sort();
  if (classes.length < 2) {
    throw datasetError(
      `target '${target}' has ${classes.length === 0 ? 'no values' : 'only one class'}; a classifier needs at least two`,
    );
  }
  if (task === 'binary' && classes.length > 2) {
    throw datasetError(
      `target '${target}' has ${classes.length} classes, so it is not binary; use task: multiclass`,
    );
  }
  if (task === 'binary' && positiveClass !== undefined) {
    if (!classes.includes(positiveClass)) {
      throw datasetError(
        `dataset.positiveClass '${positiveClass}' is not a value of '${target}' (it has ${classes.length} classes); check its spelling and case against the file`,
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
