import { parse, type Options } from 'csv-parse';

/**
 * How Ferry reads CSV, the same for the validator's header check and the
 * worker's reader: RFC 4180 (quoted fields may hold commas, quotes and line
 * breaks; no quotes inside unquoted fields), lines ending in CRLF, LF or CR,
 * an optional UTF-8 BOM, blank lines skipped. With raw and info on, each record comes as a
 * {record, raw, info} object.
 */
const CSV_OPTIONS: Options = {
  raw: true,
  info: true,
  bom: true,
  skip_empty_lines: true,
  // Named, not discovered: csv-parse's discovery runs at every byte until the first line
  // break, about 1 s per MiB of a long header on a loaded machine; named, 0.1 s.
  record_delimiter: ['\r\n', '\n', '\r'],
};

export interface ParsedRecord {
  record: string[];
  /** The record's text, line ending included, BOM excluded. */
  raw: string;
  /** lines: the line the record ends on; bytes: the bytes read up to its end (BOM included). */
  info: { lines: number; bytes: number };
}

export function csvParser(options: Options = {}) {
  return parse({ ...CSV_OPTIONS, ...options });
}

/** The 1-based line a record starts on: info.lines is where it ends, and a record spans its raw line breaks. */
export function startLine(record: ParsedRecord): number {
  return record.info.lines - (stripLineEnd(record.raw).match(/\n/g)?.length ?? 0);
}

export function stripLineEnd(raw: string): string {
  return raw.replace(/(\r\n|\n|\r)$/, '');
}
