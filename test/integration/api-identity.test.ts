import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { parseApiTokens } from '../../src/api/api-tokens';
import type { RunView } from '../../src/api/run-view';
import type { ApiErrorBody, issuedCredentialSchema, startedRunSchema } from '../../src/api/schemas';
import { buildApiServer } from '../../src/api/server';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { runFerryAsync } from '../fixtures/ferry-cli';
import { penguinsOneModel, TEST_DATA_ROOTS, writePipeline } from '../fixtures/pipelines';

// dana is an admin and sets the group's policy; alice starts the run; bob
// may decide under the policy; mallory has a token but is on no list.
const TOKENS = 'alice:alice-9f8e7d,bob:bob-6c5b4a,mallory:mallory-392817,dana:dana-0f1e2d';
const ALICE = 'alice-9f8e7d';
const BOB = 'bob-6c5b4a';
const MALLORY = 'mallory-392817';
const DANA = 'dana-0f1e2d';

type IssuedCredential = z.infer<typeof issuedCredentialSchema>;

let harness: WorkerHarness;
let app: FastifyInstance;
let baseUrl: string;
/** Everything the API logged, to check no credential is ever in it. */
const logLines: string[] = [];

beforeAll(async () => {
  harness = await startWorkerHarness();
  app = await buildApiServer({
    client: harness.client,
    taskQueue: harness.taskQueue,
    home: harness.home,
    tokens: parseApiTokens(TOKENS),
    admins: ['dana'],
    readsNeedToken: true,
    dataRoots: TEST_DATA_ROOTS,
    // Fastify's own request lines too: they must not carry bodies or answers either.
    logger: {
      level: 'trace',
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString('utf8'));
          done();
        },
      }),
    },
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await harness?.stop();
});

async function call<T = ApiErrorBody>(
  method: string,
  route: string,
  options: { token?: string; json?: unknown } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

async function watchRun(runId: string, isDone: (run: RunView) => boolean): Promise<RunView> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await call<RunView>('GET', `/runs/${runId}`, { token: BOB });
    if (answer.status === 200 && isDone(answer.body)) return answer.body;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} stuck: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const credentials = (runId: string, token: string, json: unknown) =>
  call<IssuedCredential & ApiErrorBody>('POST', `/runs/${runId}/credentials`, { token, json });

describe('deciding from the Temporal UI with a credential from the API', () => {
  test('a policy an admin set governs the run; the API issues bob a credential; his signal decides it', async () => {
    const modelGroup = `api-id-${randomBytes(3).toString('hex')}`;
    const set = await call('PUT', `/policies/${modelGroup}`, {
      token: DANA,
      json: { owners: ['alice'], approvers: ['bob'], maxTimeout: '1d' },
    });
    expect(set.status).toBe(200);

    // Alice's file lists only herself and lets the starter approve; the group's policy governs.
    const started = await call<z.infer<typeof startedRunSchema>>('POST', '/runs', {
      token: ALICE,
      json: penguinsOneModel(modelGroup, {
        approval: { approvers: ['alice'], allowStarterToApprove: true, timeout: '1h' },
      }),
    });
    expect(started.status).toBe(201);
    expect(started.body.startedBy).toBe('alice');
    const { runId } = started.body;

    const early = await credentials(runId, BOB, { action: 'approve' });
    expect([early.status, early.body.code]).toEqual([409, 'DecisionRefused']);
    expect(early.body.message).toMatch(/the run is not waiting for a decision/);

    const waiting = await watchRun(runId, (run) => run.stage === 'awaiting-approval');
    expect(waiting.startedBy).toBe('alice');
    expect(waiting.policy).toMatchObject({
      source: 'group-policy',
      revision: 1,
      approvers: ['bob'],
    });

    // Whoever the policy would refuse gets no credential, in the run's own words.
    const byAlice = await call<ApiErrorBody>('POST', `/runs/${runId}/approve`, {
      token: ALICE,
      json: { message: 'mine' },
    });
    expect([byAlice.status, byAlice.body.message]).toEqual([
      409,
      `alice may not decide this run under group ${modelGroup}'s approval policy (revision 1)`,
    ]);
    const byMallory = await credentials(runId, MALLORY, { action: 'approve' });
    expect(byMallory.status).toBe(409);
    expect(byMallory.body.message).toBe(
      `mallory may not decide this run under group ${modelGroup}'s approval policy (revision 1)`,
    );
    const noReason = await credentials(runId, BOB, { action: 'reject' });
    expect(noReason.status).toBe(409);
    expect(noReason.body.message).toMatch(/a rejection needs a message/);

    const issued = await credentials(runId, BOB, { action: 'reject', message: 'too few rows' });
    expect(issued.status).toBe(200);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    const { credential, tokenId } = issued.body;
    expect(issued.body).toEqual({
      runId,
      action: 'reject',
      credential: expect.stringMatching(/^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/) as string,
      tokenId: expect.any(String) as string,
      expiresAt: expect.any(String) as string,
      signal: { name: 'reject', input: JSON.stringify({ credential }) },
    });
    expect(Date.parse(issued.body.expiresAt)).toBeGreaterThan(Date.now());

    // What the Temporal UI's "Send Signal" does with the pasted input.
    const handle = harness.client.workflow.getHandle(runId);
    await handle.signal(issued.body.signal.name, JSON.parse(issued.body.signal.input));

    const done = await watchRun(runId, (run) => run.status !== 'RUNNING');
    expect(done).toMatchObject({ status: 'COMPLETED', outcome: 'rejected' });
    expect(done.decisionTrail).toEqual([
      expect.objectContaining({ via: 'update', subject: 'alice', accepted: false }),
      expect.objectContaining({
        via: 'signal',
        action: 'reject',
        accepted: true,
        subject: 'bob',
        issuer: 'ferry-api',
        tokenId,
        message: 'too few rows',
      }),
    ]);

    const late = await credentials(runId, BOB, { action: 'approve' });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(
      /^run ferry-\S+ ended rejected; a decision is taken only while a run waits for one$/,
    );

    // The credential is a secret until used: never in the API's log.
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(credential);
    expect(logLines.join('')).toContain('credential issued');
  }, 180_000);

  test('a credential request names what is wrong: unknown run 404, no token 401, bad action 400', async () => {
    const unknown = await credentials('ferry-nope-00000000', BOB, { action: 'approve' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NotFound']);
    const anonymous = await call('POST', '/runs/ferry-nope-00000000/credentials', {
      json: { action: 'approve' },
    });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'Unauthorized']);
    const badAction = await credentials('ferry-nope-00000000', BOB, { action: 'maybe' });
    expect(badAction.status).toBe(400);
    expect(badAction.body.problems?.map((p) => p.path)).toEqual(['action']);
  });

  test('the CLI goes through the API when FERRY_API_URL is set: the token decides who runs, approves and sets policies', async () => {
    const modelGroup = `api-cli-${randomBytes(3).toString('hex')}`;
    const as = (token: string) => ({
      env: { FERRY_API_URL: baseUrl, FERRY_API_TOKEN: token, FERRY_HOME: harness.home },
    });
    const policyFile = writePipeline({ owners: ['alice'], approvers: ['bob'] });
    const byMember = await runFerryAsync(['policy', 'set', modelGroup, policyFile], as(BOB));
    expect(byMember.status).not.toBe(0);
    expect(byMember.stderr).toMatch(/403 Forbidden: .*admin/);
    const byAdmin = await runFerryAsync(['policy', 'set', modelGroup, policyFile], as(DANA));
    expect(byAdmin.stdout).toMatch(`${modelGroup}: approval policy revision 1 set by dana`);

    const pipeline = writePipeline(
      penguinsOneModel(modelGroup, { approval: { approvers: ['alice'], timeout: '1h' } }),
    );
    const started = await runFerryAsync(['run', pipeline, '--detach'], as(ALICE));
    expect(started.stdout).toMatch(/^run (ferry-\S+) started by alice$/m);
    const runId = /^run (ferry-\S+) started by alice$/m.exec(started.stdout)?.[1] ?? '';
    await watchRun(runId, (run) => run.stage === 'awaiting-approval');

    const refused = await runFerryAsync(['approve', runId, '-m', 'mine'], as(ALICE));
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(
      /409 DecisionRefused: alice may not decide this run under group/,
    );
    const approved = await runFerryAsync(['approve', runId, '-m', 'checked'], as(BOB));
    expect(approved.stdout).toBe(`${runId}: approved by bob\n`);
    const done = await watchRun(runId, (run) => run.status !== 'RUNNING');
    expect(done.decisionTrail?.at(-1)).toMatchObject({ subject: 'bob', issuer: 'ferry-api' });
  }, 180_000);
});
