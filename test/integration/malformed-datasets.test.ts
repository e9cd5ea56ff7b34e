import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runFerry } from '../fixtures/ferry-cli';
import { validPipeline } from '../fixtures/pipelines';
import {
  DATASET_CASES,
  PLANTED_SECRET,
  type Cleanup,
  type DatasetCase,
} from '../fixtures/malformed/data/dataset-cases';

// The data-file half of the malformed-input suite: every case through the
// real `ferry validate`, with FERRY_DATA_ROOTS unset (the pipeline file's
// folder is the root) unless the case sets it.

// The first CLI start after jest's global setup (a Temporal and a moto server
// starting) loads every module cold; the 10 s bound is about Ferry, not that.
beforeAll(() => runFerry(['--version']), 60_000);

const releases: (() => void | Promise<void>)[] = [];
const cleanup: Cleanup = (release) => releases.push(release);
const folders: string[] = [];
afterAll(async () => {
  for (const release of releases) await release();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function validate(testCase: DatasetCase) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-malformed-data-'));
  folders.push(dir);
  const pipeline = validPipeline();
  pipeline.dataset = {
    path: await testCase.make(dir, cleanup),
    target: testCase.target ?? 'label',
    task: 'binary',
  };
  const file = path.join(dir, 'pipeline.yaml');
  writeFileSync(file, stringify(pipeline));
  const started = Date.now();
  const result = runFerry(['validate', file], {
    env: { FERRY_DATA_ROOTS: undefined, ...testCase.env?.(dir) },
  });
  return { ...result, file, elapsedMs: Date.now() - started };
}

const available = DATASET_CASES.filter((testCase) => !testCase.unavailable?.());
const unavailable = DATASET_CASES.filter((testCase) => testCase.unavailable?.());

describe('ferry validate on malformed datasets and bad dataset paths', () => {
  test('the suite has at least 30 cases', () => {
    expect(DATASET_CASES.length).toBeGreaterThanOrEqual(30);
  });

  test.each(available.map((testCase) => [testCase.title, testCase] as const))(
    '%s',
    async (_title, testCase) => {
      const result = await validate(testCase);
      const output = `${result.stdout}${result.stderr}`;
      expect(result.elapsedMs).toBeLessThan(10_000);
      expect(output).not.toMatch(/^\s{4}at /m);
      expect(output).not.toContain(PLANTED_SECRET);
      if (testCase.refusal === undefined) {
        expect({ status: result.status, output }).toEqual({
          status: 0,
          output: expect.stringContaining(': valid (') as string,
        });
        return;
      }
      expect({ status: result.status, output }).toEqual({
        status: 2,
        output: expect.any(String) as string,
      });
      const { field, words } = testCase.refusal;
      const line = result.stderr.split('\n').find((text) => text.includes(`: ${field} (`));
      // The file and the field, what is wrong, and (after the '; ') the fix, in one bounded line.
      expect(line).toMatch(
        new RegExp(`^${escaped(result.file)}:\\d+:\\d+: ${escaped(field)} \\('.*'\\) .+; .+`),
      );
      expect(line).toMatch(words);
      expect(line?.length).toBeLessThan(2_000);
      // Nothing a terminal would act on (control characters are what the regex is for).
      // eslint-disable-next-line no-control-regex
      expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    },
  );

  test.each(unavailable.map((testCase) => [testCase.title, testCase.unavailable?.()] as const))(
    '%s: not on this machine (%s)',
    (_title, reason) => {
      expect(reason).toEqual(expect.any(String));
    },
  );
});

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
