import type { CsvError } from 'csv-parse';
import { DatasetRefusal } from './dataset-refusal';

const QUOTING_FIX =
  'quote a field that holds a comma, quote or line break, and double each quote inside it (""), as RFC 4180 says';

/**
 * csv-parse's own messages quote the characters they stumble on, and a
 * refusal must not quote a file (dataset-refusal.ts): this says what is
 * wrong, and where, in words of its own. `headerFields`: the header's width,
 * when known.
 */
export function csvRefusal(error: CsvError, headerFields?: number): DatasetRefusal {
  const context = error as CsvError & { lines?: number; record?: unknown[] };
  const where = context.lines === undefined ? '' : ` on line ${context.lines}`;
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return raggedRow(context.lines, context.record?.length, headerFields);
    case 'CSV_QUOTE_NOT_CLOSED':
      return new DatasetRefusal(
        'has a quoted field that is never closed (the file ends inside it)',
        QUOTING_FIX,
      );
    default:
      // Quotes inside or after an unquoted field, mostly (INVALID_OPENING_QUOTE, CSV_INVALID_CLOSING_QUOTE).
      return new DatasetRefusal(`is not valid CSV${where} (${error.code})`, QUOTING_FIX);
  }
}

/** A row whose width is not the header's (the fields' count, never their text). */
export function raggedRow(
  line: number | undefined,
  fields: number | undefined,
  headerFields: number | undefined,
): DatasetRefusal {
  const where = line === undefined ? '' : ` on line ${line}`;
  const counts =
    fields === undefined
      ? ''
      : ` (${fields}${headerFields === undefined ? '' : `, the header ${headerFields}`})`;
  return new DatasetRefusal(
    `has a row${where} with a different number of fields from the header${counts}`,
    'fix or remove that row',
  );
}
