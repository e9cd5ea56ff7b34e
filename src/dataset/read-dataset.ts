import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parse, CsvError } from 'csv-parse';
import { datasetError } from './dataset-error';

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

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

export async function readDataset(file: string): Promise<Dataset> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw datasetError(`dataset ${file} does not exist; check dataset.path`);
    if (code === 'EISDIR')
      throw datasetError(`dataset ${file} is a folder, not a CSV file; check dataset.path`);
    throw datasetError(`dataset ${file} cannot be read (${code ?? String(error)})`);
  }
  const fingerprint = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');
  if (text.trim() === '')
    throw datasetError(`dataset ${file} is empty; it needs a header row and data rows`);

  let records: ParsedRecord[];
  try {
    records = await parseInTurns(bytes);
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      const where = line === undefined ? '' : ` on line ${line}`;
      if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
        throw datasetError(
          `dataset ${file}: the row${where} has a different number of fields from the header; fix or remove that row`,
        );
      }
      throw datasetError(`dataset ${file} is not valid CSV${where}: ${error.message}`);
    }
    throw error;
  }
  const [first, ...rest] = records;
  if (first === undefined)
    throw datasetError(`dataset ${file} is empty; it needs a header row and data rows`);
  return {
    header: first.record.map((name) => name.trim()),
    headerText: stripLineEnd(first.raw),
    rows: rest.map((record) => ({
      fields: record.record,
      text: stripLineEnd(record.raw),
      // info.lines is the line the record ends on; a record spans its raw newlines.
      line: record.info.lines - (stripLineEnd(record.raw).match(/\n/g)?.length ?? 0),
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
  const parser = parse({ raw: true, info: true, bom: true, skip_empty_lines: true });
  // With raw and info on, each record is a {record, raw, info} object; csv-parse's types do not say so.
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
  await parsed;
  return records;
}

function stripLineEnd(raw: string): string {
  return raw.replace(/\r?\n$/, '');
}
