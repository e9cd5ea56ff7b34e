import { open } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ConfigProblem } from './problem';
import { didYouMean } from './suggest';

/** Enough bytes to hold any sane header row without reading the whole file. */
const HEADER_BYTES = 64 * 1024;

/**
 * Checks that a local dataset exists, is readable, and has the target column
 * in its header. S3 URIs are checked by the SageMaker backend when it runs.
 */
export async function checkDatasetFile(
  datasetPath: string,
  target: string | undefined,
  baseDir: string,
): Promise<ConfigProblem[]> {
  if (datasetPath.startsWith('s3://')) return [];
  const resolved = path.resolve(baseDir, datasetPath);
  const problem = (message: string, fix: string): ConfigProblem[] => [
    { path: 'dataset.path', message, fix },
  ];
  let header: string;
  try {
    header = await readFirstLine(resolved);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return problem(
        `('${datasetPath}') does not exist (looked for ${resolved})`,
        "check the path; a relative path is read from the pipeline file's folder",
      );
    }
    if (code === 'EISDIR')
      return problem(
        `('${datasetPath}') is a folder, not a CSV file`,
        'point it at the CSV file itself',
      );
    if (code === 'EACCES')
      return problem(
        `('${datasetPath}') cannot be read (permission denied)`,
        `make ${resolved} readable by this user`,
      );
    throw error;
  }
  if (header.trim() === '') {
    return problem(
      `('${datasetPath}') is empty or has no header row`,
      'use a CSV file whose first line names the columns',
    );
  }
  if (target === undefined) return [];
  const columns = parseHeader(header);
  if (columns.includes(target)) return [];
  return [
    {
      path: 'dataset.target',
      message: `('${target}') is not a column of ${datasetPath}`,
      fix: didYouMean(target, columns, `use one of its columns: ${columns.join(', ')}`),
    },
  ];
}

async function readFirstLine(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    return end === -1 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

function parseHeader(line: string): string[] {
  const rows: string[][] = parse(line, { relax_quotes: true });
  return (rows[0] ?? []).map((column) => column.trim());
}
