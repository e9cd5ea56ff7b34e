import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createPrepareData } from '../../src/activities/prepare-data';
import { parseApiTokens } from '../../src/api/api-tokens';
import type { ApiErrorBody } from '../../src/api/schemas';
import { buildApiServer } from '../../src/api/server';
import type { PrepareDataInput, PreparedData } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { PLANTED_SECRET } from '../fixtures/malformed/data/dataset-cases';
import { penguinsOneModel, SHARED_DATA_DIR } from '../fixtures/pipelines';

// What POST /runs reads, over real HTTP (the setup of api.test.ts), and the
// same rules in the worker's prepareData: data roots, regular files only,
// no content in any answer.

const TOKENS = 'alice:alice-0a1b2c';
const ALICE = 'alice-0a1b2c';

let harness: WorkerHarness;
let dataDir: string;
/** FERRY_DATA_ROOTS unset: local paths refused. */
let withoutRoots: string;
/** FERRY_DATA_ROOTS = dataDir. */
let withRoots: string;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  harness = await startWorkerHarness();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-api-data-'));
  writeFileSync(
    path.join(dataDir, 'penguins.csv'),
    spawnSync('cat', [path.join(SHARED_DATA_DIR, 'penguins.csv')]).stdout,
  );
  spawnSync('mkfifo', [path.join(dataDir, 'pipe.csv')]);
  symlinkSync('/proc/self/environ', path.join(dataDir, 'environ.csv'));
  // The API runs in this process: its environment now holds a secret a /proc read would show.
  process.env.FERRY_PLANTED_TOKEN = PLANTED_SECRET;
  const serve = async (dataRoots?: string[]) => {
    const app = await buildApiServer({
      client: harness.client,
      taskQueue: harness.taskQueue,
      home: harness.home,
      tokens: parseApiTokens(TOKENS),
      readsNeedToken: true,
      dataRoots,
    });
    apps.push(app);
    return app.listen({ host: '127.0.0.1', port: 0 });
  };
  withoutRoots = await serve();
  withRoots = await serve([dataDir]);
});
afterAll(async () => {
  delete process.env.FERRY_PLANTED_TOKEN;
  for (const app of apps) await app.close();
  await harness?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** POST /runs of penguinsOneModel with this dataset path and overrides; refused ones start nothing. */
async function postRun(base: string, datasetPath: string, overrides: Record<string, unknown> = {}) {
  const pipeline = penguinsOneModel('api-datasets', {
    approval: { approvers: ['alice'], timeout: '1h' },
    dataset: { path: datasetPath, target: 'species', task: 'multiclass' },
    ...overrides,
  });
  const started = Date.now();
  const response = await fetch(`${base}/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
    body: JSON.stringify(pipeline),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: JSON.parse(text) as ApiErrorBody,
    text,
    elapsedMs: Date.now() - started,
  };
}

function datasetProblem(answer: { body: ApiErrorBody }) {
  return answer.body.problems?.find((problem) => problem.path === 'dataset.path');
}

function expectNoContent(text: string) {
  expect(text).not.toContain(PLANTED_SECRET);
  expect(text).not.toContain(ALICE);
  expect(text).not.toMatch(/Adelie|bill_length/);
}

describe('POST /runs reads only what its data roots allow', () => {
  test('without FERRY_DATA_ROOTS a local path is refused, naming the fix; an s3:// URI is not', async () => {
    const answer = await postRun(withoutRoots, path.join(dataDir, 'penguins.csv'));
    expect(answer.status).toBe(400);
    expect(datasetProblem(answer)).toEqual({
      path: 'dataset.path',
      message: expect.stringMatching(/is a local path, and this API has no data roots$/) as string,
      fix: expect.stringMatching(
        /this API reads no local files, since FERRY_DATA_ROOTS is not set for it: use an s3:\/\/ URI, or ask its operator to set FERRY_DATA_ROOTS/,
      ) as string,
    });
    expectNoContent(answer.text);
    // /etc/passwd exists, a made-up path does not: the answers are the same.
    const existing = await postRun(withoutRoots, '/etc/passwd');
    const missing = await postRun(withoutRoots, '/nonexistent-ferry/data.csv');
    expect(datasetProblem(existing)?.message).toBe(
      datasetProblem(missing)?.message.replace('/nonexistent-ferry/data.csv', '/etc/passwd'),
    );
    expect(existing.text).not.toContain('root:');

    const s3 = await postRun(withoutRoots, 's3://bucket/penguins.csv', {
      candidates: { count: 0 },
    });
    expect(s3.status).toBe(400);
    // Refused by the local backend's rule (a SageMaker run reads S3), not by the roots.
    expect(datasetProblem(s3)?.message).toBe('is an S3 URI, which the local backend cannot read');
  });

  test('with FERRY_DATA_ROOTS a path outside them is refused, a symlink out of them too', async () => {
    const outside = await postRun(withRoots, path.join(SHARED_DATA_DIR, 'penguins.csv'));
    expect(outside.status).toBe(400);
    expect(datasetProblem(outside)?.fix).toMatch(
      new RegExp(`put the file under one of the data roots \\(FERRY_DATA_ROOTS: ${dataDir}\\)`),
    );
    const link = path.join(dataDir, 'escape.csv');
    symlinkSync(path.join(SHARED_DATA_DIR, 'penguins.csv'), link);
    const escaping = await postRun(withRoots, link);
    expect(datasetProblem(escaping)?.message).toMatch(/is outside the data roots/);
    expectNoContent(escaping.text);
  });

  test('a FIFO and /proc/self/environ are refused quoting nothing; four FIFO requests at once hang nothing', async () => {
    const environ = await postRun(withRoots, path.join(dataDir, 'environ.csv'));
    expect(environ.status).toBe(400);
    expect(datasetProblem(environ)?.message).toMatch(/is under \/proc \(a kernel interface/);
    expectNoContent(environ.text);

    const fifos = await Promise.all(
      Array.from({ length: 4 }, () => postRun(withRoots, path.join(dataDir, 'pipe.csv'))),
    );
    for (const fifo of fifos) {
      expect(fifo.status).toBe(400);
      expect(datasetProblem(fifo)?.message).toMatch(/is a FIFO \(named pipe\); only regular/);
      expect(fifo.elapsedMs).toBeLessThan(5_000);
    }
    // A file read after them still answers: the header of a good file is read (no
    // dataset problem), and only the bad candidate count is refused.
    const normal = await postRun(withRoots, path.join(dataDir, 'penguins.csv'), {
      candidates: { count: 0 },
    });
    expect(normal.status).toBe(400);
    expect(normal.elapsedMs).toBeLessThan(5_000);
    expect(normal.body.problems?.map((problem) => problem.path)).toEqual(['candidates.count']);
  });
});

describe("the worker's prepareData applies the same rules", () => {
  const input = (datasetPath: string): PrepareDataInput => ({
    runId: 'api-datasets',
    dataset: { path: datasetPath, target: 'species', task: 'multiclass' },
    split: { train: 0.7, validation: 0.15, test: 0.15, seed: 1 },
    evaluation: { method: 'holdout', folds: 5, refit: true },
  });
  const prepare = (env: NodeJS.ProcessEnv, datasetPath: string) => {
    const prepareData = createPrepareData(harness.home, undefined, env);
    return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run<
      [PrepareDataInput],
      PreparedData,
      typeof prepareData
    >(prepareData, input(datasetPath));
  };

  test('with FERRY_DATA_ROOTS it reads inside them and refuses outside them', async () => {
    const env = { FERRY_DATA_ROOTS: dataDir };
    await expect(prepare(env, path.join(dataDir, 'penguins.csv'))).resolves.toMatchObject({
      rows: { withoutTarget: 0 },
    });
    await expect(prepare(env, path.join(SHARED_DATA_DIR, 'penguins.csv'))).rejects.toMatchObject({
      type: 'DatasetError',
      message: expect.stringMatching(
        /is outside the data roots \(symlinks followed\); put the file under/,
      ) as string,
    });
  });

  test('without roots (a development worker) the file rules still hold: no FIFO, no /proc, a size bound', async () => {
    await expect(prepare({}, path.join(dataDir, 'pipe.csv'))).rejects.toMatchObject({
      type: 'DatasetError',
      message: expect.stringMatching(/is a FIFO \(named pipe\)/) as string,
    });
    await expect(prepare({}, '/proc/self/environ')).rejects.toMatchObject({
      message: expect.stringMatching(/is under \/proc/) as string,
    });
    await expect(
      prepare({ FERRY_MAX_DATASET_BYTES: '1000' }, path.join(dataDir, 'penguins.csv')),
    ).rejects.toMatchObject({
      message: expect.stringMatching(
        /than the limit of 1000 bytes; raise FERRY_MAX_DATASET_BYTES/,
      ) as string,
    });
  });
});
