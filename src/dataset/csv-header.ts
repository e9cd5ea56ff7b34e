import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError } from 'csv-parse';
import { checkColumnNames } from './column-names';
import { csvParser, startLine, type ParsedRecord } from './csv-format';
import { csvRefusal, raggedRow } from './csv-refusal';
import { TextCheck } from './csv-text';
import { readChunks, type DatasetFile } from './dataset-file';
import { DatasetRefusal } from './dataset-refusal';

/**
 * The longest header read: 10,000 columns of 400 characters. The validator
 * runs in the API too, so it reads the header, never the whole file.
 */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/**
 * Parsed in one go between two turns of the event loop: in the API a
 * megabyte would hold every other request for a few hundred milliseconds.
 */
const SAMPLE_CHUNK_BYTES = 64 * 1024;

/**
 * The column names of a dataset's first record, parsed as the reader parses
 * the whole file (csv-format.ts): a quoted line break in a name, a BOM and a
 * wide header included. The rows in the same chunk (64 KiB) are checked
 * too, so binary data, a bad quote, a ragged row or a header with no rows is
 * refused before a run starts; the worker checks the rest.
 */
export async function readHeader(file: DatasetFile): Promise<string[]> {
  // relax_column_count: a ragged row in the sample is refused below, in words of our own.
  const parser = csvParser({ relax_column_count: true });
  const records: ParsedRecord[] = [];
  parser.on('data', (record: ParsedRecord) => records.push(record));
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  // Awaited below; until then a refused header must not count as an unhandled rejection.
  parsed.catch(() => undefined);
  const text = new TextCheck();
  let bytesRead = 0;
  let isWhole = true;
  try {
    for await (const chunk of readChunks(file, SAMPLE_CHUNK_BYTES)) {
      text.add(chunk);
      bytesRead += chunk.length;
      parser.write(chunk);
      await nextTurn();
      if (parser.destroyed) break;
      // The records so far are whole: csv-parse keeps a record cut by the chunk's end until the next.
      if (records.length > 0 && bytesRead < file.size) {
        isWhole = false;
        break;
      }
      if (records.length === 0 && bytesRead > MAX_HEADER_BYTES) throw headerTooLong();
    }
    if (isWhole && !parser.destroyed) {
      text.end();
      parser.end();
      await parsed;
    } else if (parser.destroyed) {
      await parsed;
    }
  } catch (error) {
    if (error instanceof CsvError) throw csvRefusal(error);
    throw error;
  }
  const [header, ...rows] = records;
  if (header === undefined) {
    throw new DatasetRefusal(
      'is empty or has no header row',
      'use a CSV file whose first line names the columns',
    );
  }
  if (header.info.bytes > MAX_HEADER_BYTES) throw headerTooLong();
  const names = header.record.map((name) => name.trim());
  checkColumnNames(names);
  const ragged = rows.find((row) => row.record.length !== names.length);
  if (ragged) throw raggedRow(startLine(ragged), ragged.record.length, names.length);
  if (isWhole && rows.length === 0) {
    throw new DatasetRefusal('has a header but no data rows', 'add the data rows below the header');
  }
  return names;
}

function headerTooLong(): DatasetRefusal {
  return new DatasetRefusal(
    `has a header row longer than ${MAX_HEADER_BYTES / (1024 * 1024)} MiB, or none at all`,
    'use a CSV file whose first line names the columns',
  );
}
