import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { profileDataset } from '../../../src/dataset/profile-dataset';
import { readDataset } from '../../../src/dataset/read-dataset';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csvFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('reading a dataset larger than one parsing turn (1 MiB)', () => {
  // 40,000 rows of about 30 bytes: the file spans two turns, and with
  // multi-byte characters in every row, the edge falls inside a 東 (checked once).
  const rows = Array.from(
    { length: 40_000 },
    (_, i) => `${i},東京-${i}-café,${i % 3 === 0 ? 'yes' : 'no'}`,
  );

  test('reads every row whole, characters split between turns included', async () => {
    const file = csvFile('big.csv', `id,city,label\n${rows.join('\n')}\n`);
    expect(statSync(file).size).toBeGreaterThan(1 << 20);
    const dataset = await readDataset(file);
    expect(dataset.rows).toHaveLength(rows.length);
    expect(dataset.rows.map((row) => row.text)).toEqual(rows);
    expect(dataset.rows[39_999]).toEqual({
      fields: ['39999', '東京-39999-café', 'yes'],
      text: rows[39_999],
      line: 40_001,
    });
  });

  test('names the line of a bad row in a later turn', async () => {
    const broken = [...rows];
    broken[30_000] = '30000,one field too many,no,extra';
    const file = csvFile('broken.csv', `id,city,label\n${broken.join('\n')}\n`);
    await expect(readDataset(file)).rejects.toThrow(
      `has a row on line 30002 with a different number of fields from the header (4, the header 3)`,
    );
  });
});

describe('profiling a dataset', () => {
  test('counts missing and distinct values, tells numeric from categorical, and tallies classes', async () => {
    const file = csvFile(
      'small.csv',
      [
        'age,plan,charges,label',
        '30,basic,10.5,yes',
        ',premium,n/a,no',
        '41,basic,20,no',
        '30, ,7,',
        '52,premium,20,yes',
      ].join('\n'),
    );
    const dataset = await readDataset(file);
    expect(await profileDataset(dataset, 3, true)).toEqual({
      rows: 5,
      columns: [
        { name: 'age', type: 'numeric', missing: 1, distinct: 3 },
        { name: 'plan', type: 'categorical', missing: 1, distinct: 2 },
        { name: 'charges', type: 'categorical', missing: 0, distinct: 4 },
        { name: 'label', type: 'categorical', missing: 1, distinct: 2 },
      ],
      target: { kind: 'classes', counts: { no: 2, yes: 2 } },
    });
    expect((await profileDataset(dataset, 2, false)).target).toMatchObject({ kind: 'numeric' });
    expect((await profileDataset(dataset, 0, false)).target).toEqual({
      kind: 'numeric',
      min: 30,
      max: 52,
      mean: 38.25,
      std: Math.sqrt(((30 - 38.25) ** 2 * 2 + (41 - 38.25) ** 2 + (52 - 38.25) ** 2) / 4),
    });
  });
});
