import { cliDataRoots, type DataRoots } from '../dataset/data-roots';
import { listColumns, shownName } from '../dataset/column-names';
import { readHeader } from '../dataset/csv-header';
import { openDatasetFile } from '../dataset/dataset-file';
import { readDatasetLimits } from '../dataset/dataset-limits';
import { DatasetRefusal } from '../dataset/dataset-refusal';
import type { ConfigProblem } from './problem';
import { didYouMean } from './suggest';

export interface DatasetCheckOptions {
  /** Folder that relative dataset paths are read from. */
  baseDir: string;
  /** Where local datasets may come from; default: the CLI's (FERRY_DATA_ROOTS, else baseDir). */
  dataRoots?: DataRoots;
}

/**
 * Checks that a local dataset is a readable CSV file inside the data roots,
 * with the target column in its header. It reads the header only, under
 * the same file and CSV rules as the worker's reader, and quotes nothing of
 * the file but bounded column names. S3 URIs are checked by the SageMaker
 * backend when it runs.
 */
export async function checkDatasetFile(
  datasetPath: string,
  target: string | undefined,
  options: DatasetCheckOptions,
): Promise<ConfigProblem[]> {
  if (datasetPath.startsWith('s3://')) return [];
  let columns: string[];
  try {
    const file = await openDatasetFile(datasetPath, {
      baseDir: options.baseDir,
      roots: options.dataRoots ?? cliDataRoots(process.env, options.baseDir),
      limits: readDatasetLimits(process.env),
    });
    try {
      columns = await readHeader(file);
    } finally {
      await file.handle.close();
    }
  } catch (error) {
    if (!(error instanceof DatasetRefusal)) throw error;
    return [{ path: error.field, message: `('${datasetPath}') ${error.message}`, fix: error.fix }];
  }
  if (target === undefined || columns.includes(target)) return [];
  return [
    {
      path: 'dataset.target',
      message: `('${target}') is not a column of ${datasetPath}`,
      fix: didYouMean(
        target,
        columns.map(shownName),
        `use one of its ${columns.length} columns: ${listColumns(columns)}`,
      ),
    },
  ];
}
