import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDataset } from '../../../src/dataset/read-dataset';

// The worker's reader under RFC 4180; ferry validate's header check parses
// the same way (test/integration/malformed-datasets.test.ts).

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function read(content: string | Buffer) {
  const file = path.join(dir, `data-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, content);
  return readDataset(file);
}

describe('reading CSV as RFC 4180 says', () => {
  test('a quoted line break in the header, a BOM and CRLF line ends', async () => {
    const dataset = await read(
      '\uFEFFid,"first\nsecond",label\r\n1,"a, b",x\r\n2,"say ""hi""",y\r\n',
    );
    expect(dataset.header).toEqual(['id', 'first\nsecond', 'label']);
    expect(dataset.headerText).toBe('id,"first\nsecond",label');
    expect(dataset.rows.map((row) => row.fields)).toEqual([
      ['1', 'a, b', 'x'],
      ['2', 'say "hi"', 'y'],
    ]);
    expect(dataset.rows.map((row) => row.line)).toEqual([3, 4]);
  });

  test('old Mac line ends (CR only)', async () => {
    const dataset = await read('id,label\r1,x\r2,y\r');
    expect(dataset.rows.map((row) => row.text)).toEqual(['1,x', '2,y']);
  });

  test.each([
    [
      'binary data',
      Buffer.from([0x69, 0x64, 0x0a, 0x00, 0x01]),
      /holds binary data \(a NUL byte at byte 3\)/,
    ],
    ['Latin-1 text', Buffer.from('id,label\n1,caf\u00e9\n', 'latin1'), /is not UTF-8 text/],
    ['a duplicate column name', 'id,id\n1,2\n', /naming 'id' twice \(columns 1 and 2\)/],
    ['an empty column name', 'id,,label\n1,2,3\n', /column 2 has no name/],
    [
      'a quote inside a field',
      'id,label\n1,a"secret"\n',
      /is not valid CSV on line 2 \(INVALID_OPENING_QUOTE\)/,
    ],
  ])('refuses %s in words of its own, quoting nothing', async (_title, content, words) => {
    const failure = await read(content).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(words);
    expect(failure?.message).not.toMatch(/secret|caf/);
  });
});
