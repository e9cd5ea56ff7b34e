import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError } from 'csv-parse';
import { checkColumnNames } from './column-names';
import { csvParser, startLine, stripLineEnd, type ParsedRecord } from './csv-format';
import { csvRefusal } from './csv-refusal';
import { checkText } from './csv-text';
import type { DataRoots } from './data-roots';
import { openDatasetFile, readAllBytes } from './dataset-file';
import { datasetError } from './dataset-error';
import { DEFAULT_DATASET_LIMITS, type DatasetLimits } from './dataset-limits';
import { DatasetRefusal } from './dataset-refusal';

/** A CSV dataset as read: the header, each record's fields and its exact text. */
export interface Dataset {
  header: string[];
  /** The header line exactly as in the file, so splits keep the original format. */
  headerText: string;
  rows: DatasetRow[];
  /** sha256 of the file's bytes. */
  fingerprint: string;
}

export interface DatasetRow {
  fields: string[];
  /** The record's text as in the file (without its line ending). */
  text: string;
  /** 1-based line where the record starts, for error messages. */
  line: number;
}

export interface ReadOptions {
  /** Only files under these folders (data-roots.ts); undefined: any folder. */
  roots?: DataRoots;
  limits?: DatasetLimits;
}

/**
 * Reads a CSV dataset under the file rules of dataset-file.ts (a regular
 * file, bounded in size and time) and csv-format.ts. Every refusal is a
 * DatasetError naming the file and the fix, quoting none of its content.
 */
export async function readDataset(file: string, options: ReadOptions = {}): Promise<Dataset> {
  try {
    return await readChecked(file, options);
  } catch (error) {
    if (error instanceof DatasetRefusal)
      throw datasetError(`dataset ${file} ${error.message}; ${error.fix}`);
    throw error;
  }
}

async function readChecked(file: string, options: ReadOptions): Promise<Dataset> {
  const opened = await openDatasetFile(file, {
    baseDir: process.cwd(),
    roots: options.roots,
    limits: options.limits ?? DEFAULT_DATASET_LIMITS,
  });
  let bytes: Buffer;
  try {
    bytes = await readAllBytes(opened);
  } finally {
    await opened.handle.close();
  }
  checkText(bytes);
  const fingerprint = createHash('sha256').update(bytes).digest('hex');
  const records = await parseInTurns(bytes);
  const [first, ...rest] = records;
  if (first === undefined)
    throw new DatasetRefusal('is empty', 'it needs a header row and data rows');
  const header = first.record.map((name) => name.trim());
  checkColumnNames(header);
  return {
    header,
    headerText: stripLineEnd(first.raw),
    rows: rest.map((record) => ({
      fields: record.record,
      text: stripLineEnd(record.raw),
      line: startLine(record),
    })),
    fingerprint,
  };
}

/**
 * Bytes parsed between two turns of the event loop. A worker runs other
 * activities beside this one, and their heartbeats: parsing 700,000 rows in
 * one go held the loop for 8 s (the `scale` benchmark at 100x).
 */
const BYTES_PER_TURN = 1 << 20;

async function parseInTurns(bytes: Buffer): Promise<ParsedRecord[]> {
  const records: ParsedRecord[] = [];
  const parser = csvParser();
  parser.on('data', (record: ParsedRecord) => records.push(record));
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  // Awaited below; until then a refused row must not count as an unhandled rejection.
  parsed.catch(() => undefined);
  // Byte slices, not string slices: csv-parse reassembles a character split between two.
  for (let at = 0; at < bytes.length && !parser.destroyed; at += BYTES_PER_TURN) {
    parser.write(bytes.subarray(at, at + BYTES_PER_TURN));
    await nextTurn();
  }
  if (!parser.destroyed) parser.end();
  try {
    await parsed;
  } catch (error) {
    if (error instanceof CsvError) throw csvRefusal(error, records[0]?.record.length);
    throw error;
  }
  return records;
}
