import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { parseApiTokens } from '../../src/api/api-tokens';
import type { RunView } from '../../src/api/run-view';
import type {
  ApiErrorBody,
  decisionSchema,
  endpointListSchema,
  endpointWithActivitySchema,
  modelGroupSchema,
  modelVersionSchema,
  runListSchema,
  startedRunSchema,
} from '../../src/api/schemas';
import { buildApiServer } from '../../src/api/server';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { penguinsOneModel, TEST_DATA_ROOTS } from '../fixtures/pipelines';
import { PENGUIN_ROWS_CSV } from '../fixtures/trained-model';
import { runFerry, startFerry, watchOutput } from '../fixtures/ferry-cli';

// alice starts runs; bob approves; mallory has a token but is no approver.
const TOKENS = 'alice:alice-0a1b2c,bob:bob-3d4e5f,mallory:mallory-6a7b8c';
const ALICE = 'alice-0a1b2c';
const BOB = 'bob-3d4e5f';
const MALLORY = 'mallory-6a7b8c';

let harness: WorkerHarness;
let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  harness = await startWorkerHarness();
  app = await buildApiServer({
    client: harness.client,
    taskQueue: harness.taskQueue,
    home: harness.home,
    tokens: parseApiTokens(TOKENS),
    readsNeedToken: true,
    dataRoots: TEST_DATA_ROOTS,
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await harness?.stop();
});

interface Answer<T> {
  status: number;
  contentType: string;
  headers: Headers;
  /** The JSON answer, typed as the API's schema says (the expectations check it is so). */
  body: T;
  text: string;
}

/** The parts of an OpenAPI document the tests read. */
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string; description?: string }>;
  };
}

interface OpenApiOperation {
  responses: Record<string, unknown>;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

interface JsonSchema {
  type?: string;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: unknown;
}

/** One real HTTP request to the API under test. */
async function call<T = ApiErrorBody>(
  method: string,
  route: string,
  options: {
    token?: string;
    json?: unknown;
    body?: string;
    headers?: Record<string, string>;
    base?: string;
  } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${options.base ?? baseUrl}${route}`, { method, headers, body });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    contentType,
    headers: response.headers,
    body: (contentType.includes('json') ? JSON.parse(text) : undefined) as T,
    text,
  };
}

/** Polls GET /runs/:id until `isDone` holds for the run. */
async function watchRun(runId: string, isDone: (run: RunView) => boolean): Promise<RunView> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await call<RunView>('GET', `/runs/${runId}`, { token: BOB });
    if (answer.status !== 200)
      throw new Error(`GET /runs/${runId}: ${answer.status} ${answer.text}`);
    if (isDone(answer.body)) return answer.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} stuck: ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function runsOnQueue(): Promise<number> {
  return harness.client.workflow
    .count(`WorkflowType = 'trainingPipeline' AND TaskQueue = '${harness.taskQueue}'`)
    .then((answer) => answer.count);
}

const group = () => `api-${randomBytes(3).toString('hex')}`;
const approvers = { approval: { approvers: ['alice', 'bob'], timeout: '1h' } };

describe('ferry api over real HTTP', () => {
  test('start a run, watch it, refuse rule-breakers, approve with a token, see it deploy', async () => {
    const modelGroup = group();
    const started = await call<z.infer<typeof startedRunSchema>>('POST', '/runs', {
      token: ALICE,
      json: penguinsOneModel(modelGroup, approvers),
    });
    expect(started.status).toBe(201);
    expect(started.body).toEqual({
      runId: expect.stringMatching(/^ferry-churn-test-[0-9a-f]{8}$/) as string,
      startedBy: 'alice',
      modelGroup,
    });
    const { runId } = started.body;
    expect(started.headers.get('location')).toBe(`/runs/${runId}`);

    const waiting = await watchRun(runId, (run) => run.stage === 'awaiting-approval');
    expect(waiting).toMatchObject({
      runId,
      status: 'RUNNING',
      modelGroup,
      startedBy: 'alice',
      modelVersion: { group: modelGroup, version: 1, status: 'PendingManualApproval' },
      decisionTrail: [],
    });
    expect(waiting.leaderboard).toHaveLength(1);

    // alice started the run; mallory is not on the approvers list. Neither may decide.
    const byStarter = await call('POST', `/runs/${runId}/approve`, {
      token: ALICE,
      json: { message: 'my own run' },
    });
    expect(byStarter.status).toBe(409);
    expect(byStarter.body).toEqual({
      code: 'DecisionRefused',
      message:
        "alice started this run and may not decide it (the approval section of the run's own file does not allow the starter to approve)",
    });
    // No body at all is an approval without a message.
    const byOutsider = await call('POST', `/runs/${runId}/approve`, { token: MALLORY });
    expect(byOutsider.status).toBe(409);
    expect(byOutsider.body.message).toBe(
      "mallory may not decide this run under the approval section of the run's own file",
    );
    const rejectWithoutWhy = await call('POST', `/runs/${runId}/reject`, { token: BOB, json: {} });
    expect(rejectWithoutWhy.status).toBe(409);
    expect(rejectWithoutWhy.body.message).toMatch(/a rejection needs a message/);

    // The run keeps who tried and why not (their credentials verified); nothing else changed.
    const stillWaiting = await call<RunView>('GET', `/runs/${runId}`, { token: BOB });
    expect({ ...stillWaiting.body, decisionTrail: [] }).toEqual(waiting);
    expect(stillWaiting.body.decisionTrail).toEqual([
      expect.objectContaining({
        accepted: false,
        subject: 'alice',
        reason: byStarter.body.message,
      }),
      expect.objectContaining({
        accepted: false,
        subject: 'mallory',
        reason: byOutsider.body.message,
      }),
    ]);

    const approved = await call<z.infer<typeof decisionSchema>>('POST', `/runs/${runId}/approve`, {
      token: BOB,
      json: { message: 'accuracy is fine' },
    });
    expect(approved.status).toBe(200);
    // The token's person, as the API's issuer vouched for them in the credential the run verified.
    expect(approved.body).toEqual({
      runId,
      action: 'approve',
      approver: 'bob',
      issuer: 'ferry-api',
      approvals: 1,
      approvalsNeeded: 1,
    });

    const done = await watchRun(runId, (run) => run.status !== 'RUNNING');
    expect(done).toMatchObject({
      status: 'COMPLETED',
      stage: 'deployed',
      outcome: 'deployed',
      modelVersion: { version: 1, status: 'Approved' },
      release: { deployment: { endpoint: modelGroup, model: { group: modelGroup, version: 1 } } },
    });
    expect(done.decisionTrail).toHaveLength(3);
    expect(done.decisionTrail?.filter((entry) => entry.accepted)).toEqual([
      expect.objectContaining({
        via: 'update',
        action: 'approve',
        subject: 'bob',
        issuer: 'ferry-api',
        message: 'accuracy is fine',
        accepted: true,
      }),
    ]);

    // A decided, ended run takes no second decision.
    const late = await call('POST', `/runs/${runId}/reject`, {
      token: BOB,
      json: { message: 'changed my mind' },
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('DecisionRefused');

    expect(done.reportUrl).toBe(`/runs/${runId}/report`);
    expect(done).not.toHaveProperty('report');
    const report = await call('GET', done.reportUrl ?? '', { token: BOB });
    expect(report.status).toBe(200);
    expect(report.text).toContain(runId);
    const markdown = await call('GET', `/runs/${runId}/report?format=md`, { token: BOB });
    expect(markdown.contentType).toMatch(/^text\/markdown/);
    expect(markdown.text).toContain(runId);
    const negotiated = await call('GET', `/runs/${runId}/report`, {
      token: BOB,
      headers: { accept: 'text/markdown' },
    });
    expect(negotiated.text).toBe(markdown.text);

    const versions = await call<z.infer<typeof modelGroupSchema>>('GET', `/models/${modelGroup}`, {
      token: BOB,
    });
    expect(versions.body.versions).toEqual([
      expect.objectContaining({ group: modelGroup, version: 1, status: 'Approved' }),
    ]);
    const version = await call<z.infer<typeof modelVersionSchema>>(
      'GET',
      `/models/${modelGroup}/1`,
      { token: BOB },
    );
    expect(version.body.statusHistory.at(-1)).toMatchObject({
      status: 'Approved',
      by: 'bob',
      reason: 'accuracy is fine',
    });
    expect(version.body.lineage.runId).toBe(runId);

    const endpoints = await call<z.infer<typeof endpointListSchema>>('GET', '/endpoints', {
      token: BOB,
    });
    expect(endpoints.body.endpoints.map((e) => e.name)).toContain(modelGroup);
    const endpoint = await call<z.infer<typeof endpointWithActivitySchema>>(
      'GET',
      `/endpoints/${modelGroup}`,
      { token: BOB },
    );
    expect(endpoint.body).toMatchObject({
      name: modelGroup,
      status: 'InService',
      current: { model: { group: modelGroup, version: 1 } },
    });
    expect(Array.isArray(endpoint.body.scalingActivities)).toBe(true);

    const predictions = await call('POST', `/endpoints/${modelGroup}/invocations`, {
      token: BOB,
      body: PENGUIN_ROWS_CSV,
      headers: { 'content-type': 'text/csv' },
    });
    expect(predictions.status).toBe(200);
    expect(predictions.text).toMatch(/Gentoo|Adelie|Chinstrap/);

    // Visibility is eventually consistent: the list catches up within moments.
    let listed: z.infer<typeof runListSchema>['runs'] = [];
    for (let i = 0; i < 50 && !listed.some((r) => r.status === 'COMPLETED'); i++) {
      const answer = await call<z.infer<typeof runListSchema>>(
        'GET',
        `/runs?modelGroup=${modelGroup}`,
        { token: BOB },
      );
      listed = answer.body.runs;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(listed).toEqual([
      expect.objectContaining({ runId, status: 'COMPLETED', stage: 'deployed', modelGroup }),
    ]);
  }, 180_000);

  test('every write without a token, or with an unknown one, is 401 JSON and does nothing', async () => {
    const before = await runsOnQueue();
    const writes: [string, unknown][] = [
      ['/runs', penguinsOneModel(group(), approvers)],
      ['/runs/ferry-any-00000000/approve', { message: 'ok' }],
      ['/runs/ferry-any-00000000/reject', { message: 'no' }],
      ['/runs/ferry-any-00000000/credentials', { action: 'approve' }],
      // A malformed body is not even read without a token: 401 comes before 400.
      ['/runs', { candidates: { count: -1 } }],
    ];
    for (const [route, json] of writes) {
      for (const token of [undefined, 'not-a-known-token']) {
        const answer = await call('POST', route, { token, json });
        expect([route, answer.status, answer.body.code]).toEqual([route, 401, 'Unauthorized']);
        expect(answer.body.message).toMatch(/token/);
      }
      const badScheme = await call('POST', route, {
        json,
        headers: { authorization: `Basic ${Buffer.from(`alice:${ALICE}`).toString('base64')}` },
      });
      expect(badScheme.status).toBe(401);
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await runsOnQueue()).toBe(before);
  });

  test('a malformed pipeline is 400 with every problem, naming the fields, and starts nothing', async () => {
    const before = await runsOnQueue();
    const pipeline = penguinsOneModel(group(), {
      ...approvers,
      candidates: { count: -1, algorithms: [{ name: 'linear' }] },
      endpoint: { minReplicas: 3, maxReplicas: 2 },
      backnd: 'local',
    });
    const answer = await call('POST', '/runs', { token: ALICE, json: pipeline });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('InvalidPipeline');
    expect(answer.body.message).toMatch(/nothing was started/);
    const problems = answer.body.problems ?? [];
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['candidates.count', 'endpoint.maxReplicas', 'backnd']),
    );
    for (const problem of problems) {
      expect(problem).toEqual({
        path: expect.any(String) as string,
        message: expect.any(String) as string,
        fix: expect.any(String) as string,
      });
    }

    // Over HTTP there is no pipeline file: a relative dataset path is read from the server's folder.
    const relative = await call('POST', '/runs', {
      token: ALICE,
      json: penguinsOneModel(group(), {
        ...approvers,
        dataset: {
          // Inside the test's data roots (the temporary folder), from the server's folder.
          path: path.relative(process.cwd(), path.join(os.tmpdir(), 'no-such', 'penguins.csv')),
          target: 'species',
          task: 'multiclass',
        },
      }),
    });
    expect(relative.status).toBe(400);
    expect(relative.body.problems).toEqual([
      expect.objectContaining({
        path: 'dataset.path',
        fix: expect.stringContaining(`the server's folder (${process.cwd()})`) as string,
      }),
    ]);

    const notAnObject = await call('POST', '/runs', { token: ALICE, json: [1, 2] });
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.body.code).toBe('InvalidPipeline');
    const notJson = await call('POST', '/runs', {
      token: ALICE,
      body: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe('MalformedBody');

    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await runsOnQueue()).toBe(before);
  });

  test('other malformed requests are 400 naming the field; unknown things are 404; big bodies 413', async () => {
    const notText = await call('POST', '/runs/ferry-any-00000000/approve', {
      token: BOB,
      json: { message: 42 },
    });
    expect(notText.status).toBe(400);
    expect(notText.body).toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining('message') as string,
      problems: [expect.objectContaining({ path: 'message' })],
    });

    // The token says who decides; a body cannot.
    const choosesApprover = await call('POST', '/runs/ferry-any-00000000/approve', {
      token: MALLORY,
      json: { approver: 'bob' },
    });
    expect(choosesApprover.status).toBe(400);
    expect(choosesApprover.body.problems).toEqual([
      expect.objectContaining({ path: 'approver', message: 'is not a known key' }),
    ]);

    const badVersion = await call('GET', '/models/some-group/latest', { token: BOB });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.problems?.[0]?.path).toBe('version');

    const badLimit = await call('GET', '/runs?limit=0', { token: BOB });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.problems?.[0]?.path).toBe('limit');

    for (const route of [
      '/runs/ferry-nope-00000000',
      '/runs/ferry-nope-00000000/report',
      '/models/no-such-group',
      '/models/no-such-group/1',
      '/endpoints/no-such-endpoint',
      '/no/such/route',
    ]) {
      const answer = await call('GET', route, { token: BOB });
      expect([route, answer.status, answer.body.code]).toEqual([route, 404, 'NotFound']);
    }
    const decideUnknown = await call('POST', '/runs/ferry-nope-00000000/approve', {
      token: BOB,
      json: {},
    });
    expect(decideUnknown.status).toBe(404);
    const credentialForUnknown = await call('POST', '/runs/ferry-nope-00000000/credentials', {
      token: BOB,
      json: { action: 'approve' },
    });
    expect([credentialForUnknown.status, credentialForUnknown.body.code]).toEqual([
      404,
      'NotFound',
    ]);
    expect(credentialForUnknown.body.message).toMatch(/no run 'ferry-nope-00000000'/);

    const huge = await call('POST', '/runs', {
      token: ALICE,
      json: { name: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('BodyTooLarge');
  });

  test('reads need a token when so configured, and are open otherwise; writes always need one', async () => {
    for (const route of ['/runs', '/endpoints', '/models/some-group']) {
      expect((await call('GET', route)).status).toBe(401);
    }
    expect((await call('GET', '/runs', { token: MALLORY })).status).toBe(200);
    expect((await call<unknown>('GET', '/health')).body).toEqual({
      ok: true,
      taskQueue: harness.taskQueue,
    });

    const open = await buildApiServer({
      client: harness.client,
      taskQueue: harness.taskQueue,
      home: harness.home,
      tokens: parseApiTokens(TOKENS),
      readsNeedToken: false,
    });
    try {
      const base = await open.listen({ host: '127.0.0.1', port: 0 });
      expect((await call('GET', '/runs', { base })).status).toBe(200);
      const write = await call('POST', '/runs', { base, json: penguinsOneModel(group()) });
      expect(write.status).toBe(401);
    } finally {
      await open.close();
    }
  });

  test('/openapi.json is an OpenAPI 3 document generated from the schemas', async () => {
    const answer = await call<OpenApiDocument>('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    const doc = answer.body;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Ferry API', version: expect.any(String) as string });
    const operations = Object.entries(doc.paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /.well-known/jwks.json',
        'GET /endpoints',
        'GET /endpoints/{name}',
        'GET /health',
        'GET /models/{group}',
        'GET /models/{group}/{version}',
        'GET /policies/{group}',
        'GET /runs',
        'GET /runs/{id}',
        'GET /runs/{id}/report',
        'POST /endpoints/{name}/invocations',
        'POST /runs',
        'POST /runs/{id}/approve',
        'POST /runs/{id}/credentials',
        'POST /runs/{id}/reject',
        'PUT /policies/{group}',
      ].sort(),
    );
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect([method, route, Object.keys(operation.responses).length > 0]).toEqual([
          method,
          route,
          true,
        ]);
        if ((method === 'post' && route.startsWith('/runs')) || method === 'put')
          expect([method, route, operation.security]).toEqual([
            method,
            route,
            [{ bearerAuth: [] }],
          ]);
        if (route === '/.well-known/jwks.json') expect(operation.security).toBeUndefined();
      }
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      description: expect.stringMatching(/FERRY_API_TOKENS, or an OIDC ID token/) as string,
    });

    // The request schema of POST /runs is the pipeline's, and it is a working JSON Schema.
    const schema = doc.paths['/runs']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(schema?.properties ?? {})).toEqual(
      expect.arrayContaining([
        'name',
        'dataset',
        'candidates',
        'objective',
        'modelGroup',
        'approval',
        'endpoint',
        'loadTest',
      ]),
    );
    const validate = new Ajv2020({ strict: false }).compile(schema ?? false);
    expect(validate(penguinsOneModel(group(), approvers))).toBe(true);
    expect(validate({ ...penguinsOneModel(group()), candidates: { count: -1 } })).toBe(false);
    expect(
      doc.paths['/runs/{id}/approve']?.post?.requestBody?.content['application/json']?.schema,
    ).toMatchObject({
      anyOf: [
        { properties: { message: { type: 'string' } }, additionalProperties: false },
        { type: 'null' },
      ],
    });
  });
});

describe('the ferry api command', () => {
  test('starts on a free port, prints its URL, answers /health, and stops on SIGTERM', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ferry-api-'));
    const child = startFerry(['api', '--port', '0'], {
      env: { FERRY_API_TOKENS: 'alice:cli-token-1', FERRY_HOME: home, FERRY_API_READS: 'open' },
    });
    const output = watchOutput(child);
    try {
      const [, url] = await output.waitFor(/Ferry API\s+(http:\/\/127\.0\.0\.1:\d+)/, 30_000);
      const health = await call<unknown>('GET', '/health', { base: url });
      expect(health.body).toEqual({ ok: true, taskQueue: 'ferry' });
      expect((await call('GET', '/runs', { base: url })).status).toBe(200);
      expect((await call('POST', '/runs', { base: url, json: {} })).status).toBe(401);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(output.text()).not.toContain('cli-token-1');
    // The test run's data roots (global-setup.ts), told at start.
    expect(output.text()).toContain(`datasets: local files under ${TEST_DATA_ROOTS.join(', ')}`);
  });

  test('a malformed FERRY_API_TOKENS stops it before it starts, naming the variable but no secret', () => {
    const result = runFerry(['api'], {
      env: { FERRY_API_TOKENS: 'alice:secret-1,secret-without-person' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/FERRY_API_TOKENS is malformed: entry 2 has no ':'/);
    expect(result.stderr).not.toContain('secret');
  });
});
