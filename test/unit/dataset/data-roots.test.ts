import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cliDataRoots,
  isInsideRoots,
  parseDataRoots,
  workerDataRoots,
} from '../../../src/dataset/data-roots';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-roots-'));
  mkdirSync(path.join(dir, 'root', '..data'), { recursive: true });
  mkdirSync(path.join(dir, 'root-other'));
  writeFileSync(path.join(dir, 'root', '..data', 'a.csv'), 'a\n1\n');
  symlinkSync(path.join(dir, 'root'), path.join(dir, 'linked-root'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FERRY_DATA_ROOTS', () => {
  test('is a list like PATH: empty entries dropped, relative ones from the working folder', () => {
    expect(parseDataRoots(['/srv/a', '', ' b '].join(path.delimiter), '/work')).toEqual([
      '/srv/a',
      '/work/b',
    ]);
    expect(parseDataRoots('')).toBeUndefined();
    expect(parseDataRoots(undefined)).toBeUndefined();
  });

  test("the CLI's default is the pipeline file's folder; a worker without it has no roots", () => {
    expect(cliDataRoots({}, '/p')).toEqual({ folders: ['/p'], origin: 'pipeline folder' });
    expect(cliDataRoots({ FERRY_DATA_ROOTS: '/d' }, '/p').folders).toEqual(['/d']);
    expect(workerDataRoots({})).toBeUndefined();
    expect(workerDataRoots({ FERRY_DATA_ROOTS: '/d' })?.folders).toEqual(['/d']);
  });

  test('a real path is inside a root by whole folder names, the root itself symlinked or not', async () => {
    const roots = { folders: [path.join(dir, 'linked-root')], origin: 'FERRY_DATA_ROOTS' as const };
    const real = (...parts: string[]) => path.join(dir, ...parts);
    expect(await isInsideRoots(real('root', '..data', 'a.csv'), roots)).toBe(true);
    expect(await isInsideRoots(real('root'), roots)).toBe(true);
    expect(await isInsideRoots(real('root-other', 'a.csv'), roots)).toBe(false);
    expect(await isInsideRoots(real('a.csv'), roots)).toBe(false);
    const missing = { folders: [real('no-such')], origin: 'FERRY_DATA_ROOTS' as const };
    expect(await isInsideRoots(real('no-such', 'a.csv'), missing)).toBe(false);
  });
});
