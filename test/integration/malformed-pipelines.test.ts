import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { parseApiTokens } from '../../src/api/api-tokens';
import type { ApiErrorBody } from '../../src/api/schemas';
import { buildApiServer } from '../../src/api/server';
import { runFerry, runFerryAsync } from '../fixtures/ferry-cli';
import {
  COMMITTED,
  GENERATED,
  MALFORMED_PIPELINES_DIR,
  validPipelineText,
  type MalformedPipeline,
} from '../fixtures/malformed/pipelines/expectations';
import { TEST_DATA_ROOTS } from '../fixtures/pipelines';
import { connectToTestServer } from '../fixtures/temporal';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A stack trace's frames, or the CLI's last-resort handler: neither may ever reach a user here. */
const CRASH = /\n\s+at .+:\d+:\d+|unexpected error|RangeError|ReferenceError|TypeError/;

/** The files built at test time, in a folder of their own beside a copy of the CSV they read. */
let generatedDir: string;
beforeAll(() => {
  generatedDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-malformed-'));
  copyFileSync(path.join(MALFORMED_PIPELINES_DIR, 'data.csv'), path.join(generatedDir, 'data.csv'));
  for (const entry of GENERATED) entry.build?.(generatedDir);
});
afterAll(() => rmSync(generatedDir, { recursive: true, force: true }));

function fileOf(entry: MalformedPipeline): string {
  return path.join(entry.build ? generatedDir : MALFORMED_PIPELINES_DIR, entry.file);
}

/**
 * The line naming the field, what is wrong and a fix, as formatProblem writes
 * it: `file[:line:col]: path message; fix`.
 */
function problemLine(file: string, entry: MalformedPipeline): RegExp {
  const field = entry.path === '' ? '' : `${escapeRegExp(entry.path)} `;
  return new RegExp(
    `^${escapeRegExp(file)}(:\\d+:\\d+)?: ${field}(?=.*${entry.says.source})(?=.*; \\S).*$`,
    'm',
  );
}

describe('ferry validate refuses each malformed pipeline file with exit 2, the field and a fix', () => {
  test('the folder has the one valid pipeline every other file breaks', () => {
    const result = runFerry(['validate', path.join(MALFORMED_PIPELINES_DIR, 'valid.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test.each([...COMMITTED, ...GENERATED].map((entry) => [entry.file, entry] as const))(
    '%s',
    (_name, entry) => {
      const file = fileOf(entry);
      const started = Date.now();
      const result = runFerry(['validate', file]);
      const elapsedMs = Date.now() - started;
      expect(result.stderr).toMatch(problemLine(file, entry));
      expect(result.status).toBe(2);
      expect(result.stderr).not.toMatch(CRASH);
      expect(result.stdout).toBe('');
      expect(elapsedMs).toBeLessThan(10_000);
    },
  );

  test('the suite holds at least 35 malformed files', () => {
    expect(COMMITTED.length + GENERATED.length).toBeGreaterThanOrEqual(35);
  });
});

describe('ferry run refuses the same files before starting anything', () => {
  let connection: Connection;
  let client: Client;
  const taskQueue = `ferry-malformed-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    connection = await connectToTestServer();
    client = new Client({ connection });
  });
  afterAll(() => connection?.close());

  const refused = [
    'alias-bomb.yaml',
    'deep-flow.yaml',
    'nan-count.yaml',
    'model-group-escape.yaml',
  ];
  test.each(refused)('%s', async (name) => {
    const entry = [...COMMITTED, ...GENERATED].find((candidate) => candidate.file === name);
    if (!entry) throw new Error(`no expectation for ${name}`);
    const file = fileOf(entry);
    const home = mkdtempSync(path.join(os.tmpdir(), 'ferry-malformed-home-'));
    // A real Temporal server and task queue, with no worker: a run started by mistake would stay listed on it.
    const result = await runFerryAsync(['run', file], {
      env: { FERRY_TASK_QUEUE: taskQueue, FERRY_HOME: home },
    });
    expect(result.stderr).toMatch(problemLine(file, entry));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not valid; nothing was started/);
    expect(result.stderr).not.toMatch(CRASH);
    const { count } = await client.workflow.count(`TaskQueue = "${taskQueue}"`);
    expect(count).toBe(0);
  });
});

describe('POST /runs answers malformed pipelines with 400 and the same problems', () => {
  const TOKEN = 'alice-malformed-7f3e';
  let connection: Connection;
  let app: FastifyInstance;
  let baseUrl: string;
  const taskQueue = `ferry-malformed-api-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    connection = await connectToTestServer();
    app = await buildApiServer({
      client: new Client({ connection }),
      taskQueue,
      home: mkdtempSync(path.join(os.tmpdir(), 'ferry-malformed-api-')),
      tokens: parseApiTokens(`alice:${TOKEN}`),
      readsNeedToken: false,
      baseDir: MALFORMED_PIPELINES_DIR,
      dataRoots: TEST_DATA_ROOTS,
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await connection?.close();
  });

  /** valid.yaml as the JSON object a client would post, with its dataset path absolute. */
  function validBody(): Record<string, unknown> {
    const pipeline = parse(validPipelineText()) as Record<string, Record<string, unknown>>;
    pipeline.dataset!.path = path.join(MALFORMED_PIPELINES_DIR, 'data.csv');
    return pipeline;
  }

  async function post(body: string | Buffer, contentType = 'application/json') {
    const response = await fetch(`${baseUrl}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as ApiErrorBody };
  }

  async function expectHealthy() {
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(200);
  }

  const cases: [string, (body: Record<string, unknown>) => string, string, RegExp][] = [
    [
      'an escape sequence in the model group',
      (body) => JSON.stringify({ ...body, modelGroup: 'churn\u001b[2K\raccepted' }),
      'modelGroup',
      /\\u001b\[2K\\r.*must be letters, digits and hyphens/,
    ],
    [
      'a number too big for a double',
      (body) => JSON.stringify(body).replace('"count":2', '"count":1e400'),
      'candidates.count',
      /\(\.inf\) is not a finite number/,
    ],
    [
      'a megabyte model group is over the body limit, so a 900 kB one',
      (body) => JSON.stringify({ ...body, modelGroup: 'a'.repeat(900_000) }),
      'modelGroup',
      /is too long \(900000 characters, over the limit of 63\)/,
    ],
    [
      '10,000 approvers',
      (body) =>
        JSON.stringify({
          ...body,
          approval: { approvers: Array.from({ length: 10_000 }, (_, i) => `person${i}`) },
        }),
      'approval.approvers',
      /lists 10000 items, more than the limit of 100/,
    ],
    [
      'an approver nested 100,000 lists deep',
      (body) =>
        JSON.stringify(body).replace(
          '"approvers":["alice"]',
          `"approvers":${'['.repeat(100_000)}${']'.repeat(100_000)}`,
        ),
      'approval.approvers[0]',
      /must be text, not a list/,
    ],
  ];

  test.each(cases)('%s', async (_name, makeBody, field, says) => {
    const answer = await post(makeBody(validBody()));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('InvalidPipeline');
    const atField = (answer.body.problems ?? []).filter((problem) => problem.path === field);
    expect({ field, problems: answer.body.problems }).toEqual({
      field,
      problems: expect.arrayContaining([expect.objectContaining({ path: field })]) as unknown,
    });
    expect(atField.map((problem) => `${problem.message}; ${problem.fix}`).join('\n')).toMatch(
      new RegExp(`${says.source}.*; \\S`),
    );
    expect(answer.text).not.toMatch(CRASH);
    await expectHealthy();
    const { count } = await new Client({ connection }).workflow.count(`TaskQueue = "${taskQueue}"`);
    expect(count).toBe(0);
  });

  test('an alias bomb sent as YAML is refused by its media type, and the server stays healthy', async () => {
    const bomb = path.join(MALFORMED_PIPELINES_DIR, 'alias-bomb.yaml');
    const { readFileSync } = await import('node:fs');
    const answer = await post(readFileSync(bomb), 'application/yaml');
    expect(answer.status).toBe(415);
    expect(answer.body.message).toMatch(/send application\/json/);
    await expectHealthy();
  });

  test('a 50 MB body is refused at the body limit, and the server stays healthy', async () => {
    const huge = JSON.stringify({ ...validBody(), padding: 'x'.repeat(50 * 1024 * 1024) });
    const started = Date.now();
    const answer = await post(huge);
    expect(answer.status).toBe(413);
    expect(answer.body.message).toMatch(/over this server's limit of 1048576 bytes/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expectHealthy();
    expect((await post(JSON.stringify({ ...validBody(), count: 1 }))).body.problems).toEqual([
      expect.objectContaining({ path: 'count', message: 'is not a known key' }),
    ]);
  });
});
