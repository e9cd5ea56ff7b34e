import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { parseApiTokens } from '../../src/api/api-tokens';
import type { RunView } from '../../src/api/run-view';
import { buildApiServer } from '../../src/api/server';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { decisionCredential, sendDecision, waitForStage } from '../../src/temporal/run-control';
import { SignJWT } from 'jose';
import { sealCredential } from '../../src/identity/sealing';
import type { Signer } from '../../src/identity/credential-issuer';
import {
  approveSignal,
  approveUpdate,
  rejectSignal,
  rejectUpdate,
  summaryQuery,
  type PipelineResult,
} from '../../src/workflows/definitions';
import type { trainingPipeline } from '../../src/workflows/pipeline';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';
import { runFerryAsync } from '../fixtures/ferry-cli';
import { testServerAddress } from '../fixtures/temporal';
import { cleanUpHome, shortId, waitUntil } from './fault-kit';

// alice starts the run; bob may approve; mallory has a token but is no approver.
const TOKENS = 'alice:alice-0a1b2c,bob:bob-3d4e5f,mallory:mallory-6a7b8c';
const ALICE = 'alice-0a1b2c';
const BOB = 'bob-3d4e5f';
const MALLORY = 'mallory-6a7b8c';
// Small, so that the "oversized body" case needs no megabytes.
const BODY_LIMIT_BYTES = 64 * 1024;

let harness: WorkerHarness;
let app: FastifyInstance;
let baseUrl: string;
let alice: Signer;
let bob: Signer;

beforeAll(async () => {
  harness = await startWorkerHarness();
  alice = await person(harness.home, 'alice');
  bob = await person(harness.home, 'bob');
  app = await buildApiServer({
    client: harness.client,
    taskQueue: harness.taskQueue,
    home: harness.home,
    tokens: parseApiTokens(TOKENS),
    readsNeedToken: true,
    bodyLimitBytes: BODY_LIMIT_BYTES,
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await harness?.stop();
  expect(await cleanUpHome(harness.home)).toEqual([]);
});

function startRun(): Promise<WorkflowHandle<typeof trainingPipeline>> {
  const config = pipelineSchema.parse(
    penguinsOneModel(`approvals-${shortId()}`, {
      approval: { approvers: ['alice', 'bob'], timeout: '1h' },
    }),
  );
  return startRunAs(harness.client, alice, {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-fault-approvals-${shortId()}`,
    config,
  });
}

/** The update's refusal, in the validator's words; fails the test if it was accepted. */
async function updateRefusal(
  handle: WorkflowHandle,
  action: 'approve' | 'reject',
  payload: unknown,
): Promise<string> {
  const update = action === 'approve' ? approveUpdate : rejectUpdate;
  try {
    // The payload is deliberately not a DecisionRequest: this is what a careless client sends.
    await handle.executeUpdate(update, { args: [payload as never] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return error.cause?.message ?? '';
    throw error;
  }
  throw new Error(`the ${action} update ${JSON.stringify(payload)} was accepted`);
}

/** One real HTTP request to the API: status, and the error body's code and message. */
async function post(
  route: string,
  options: { token?: string; body?: string; contentType?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined)
    headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers,
    body: options.body,
  });
  const body = (await response.json()) as {
    code?: string;
    message?: string;
    problems?: { path: string; message: string }[];
  };
  return { status: response.status, ...body };
}

describe('malformed approvals, through the update, the signal and the HTTP API', () => {
  test('each one is refused with its reason, the run keeps waiting, and one valid approval then completes it', async () => {
    const handle = await startRun();
    const runRoute = `/runs/${handle.workflowId}`;

    // Before the run waits: an early decision is refused, not buffered.
    expect(await updateRefusal(handle, 'approve', { credential: 'a.b.c.d.e' })).toBe(
      'the run is not waiting for a decision yet',
    );
    expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');

    // 1. Updates (`ferry approve`, any SDK client): a payload without a credential is refused by
    // the validator, leaving no trace; a name in it proves nothing.
    const noCredential = (named: boolean) =>
      `unauthenticated: the approve payload carries no credential.${named ? ' A name in the payload proves nothing.' : ''} get one from Ferry's API (POST /runs/{id}/credentials, or POST /runs/{id}/approve) or run \`ferry approve\` / \`ferry reject\``;
    const notAnObject =
      'unauthenticated: the approve payload must be {"credential": "..."}; get one from Ferry\'s API (POST /runs/{id}/credentials, or POST /runs/{id}/approve) or run `ferry approve` / `ferry reject`';
    const notSealed =
      'unauthenticated: "credential" is not a sealed Ferry credential; get one from Ferry\'s API (POST /runs/{id}/credentials, or POST /runs/{id}/approve) or run `ferry approve` / `ferry reject`';
    const wrongType =
      'unauthenticated: "credential" must be the sealed text Ferry issued (at most 65536 characters)';
    const updates: [string, unknown, string][] = [
      ['a valid approver by name', { approver: 'bob' }, noCredential(true)],
      ['a name and a message', { approver: 'bob', message: 'ship it' }, noCredential(true)],
      ['an empty object', {}, noCredential(false)],
      ['text instead of an object', 'bob', notAnObject],
      ['null', null, notAnObject],
      ['a list', [{ credential: 'x' }], notAnObject],
      ['a credential of the wrong type', { credential: 42 }, wrongType],
      ['a credential as a list', { credential: ['a.b.c.d.e'] }, wrongType],
      ['an oversized credential', { credential: 'a.b.c.d.'.concat('e'.repeat(70_000)) }, wrongType],
      ['a bearer token instead', { credential: BOB }, notSealed],
      ['a plain JWT (three parts)', { credential: 'eyJhbGciOiJub25lIn0.e30.' }, notSealed],
    ];
    for (const [what, payload, reason] of updates) {
      expect([what, await updateRefusal(handle, 'approve', payload)]).toEqual([what, reason]);
    }
    // A decision for a run that does not exist finds no run.
    const wrongRun = harness.client.workflow.getHandle(`ferry-fault-nosuchrun-${shortId()}`);
    await expect(
      wrongRun.executeUpdate(approveUpdate, { args: [{ credential: 'a.b.c.d.e' }] }),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);

    // 2. Signals (the Temporal UI, `temporal workflow signal`): refused and recorded in the trail.
    const signals: [typeof approveSignal, unknown, string][] = [
      [approveSignal, { approver: 'bob' }, 'A name in the payload proves nothing'],
      [approveSignal, { approver: 'alice', message: 'mine' }, 'carries no credential'],
      [approveSignal, 'just text', 'must be {"credential": "..."}'],
      [approveSignal, { credential: 7 }, '"credential" must be the sealed text'],
      [rejectSignal, { credential: 'not-sealed' }, 'is not a sealed Ferry credential'],
      [
        rejectSignal,
        { credential: 'aaaa.bbbb.cccc.dddd.eeee' },
        "was not sealed for this worker's key",
      ],
    ];
    for (const [signal, payload] of signals) await handle.signal(signal, payload);
    await expect(wrongRun.signal(approveSignal, { approver: 'bob' })).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    const trail = await waitUntil('the refused signals are in the trail', async () => {
      const { decisionTrail } = await handle.query(summaryQuery);
      return decisionTrail.length >= signals.length ? decisionTrail : undefined;
    });
    expect(trail.map((entry) => [entry.via, entry.accepted, entry.subject, entry.reason])).toEqual(
      signals.map(([, , reason]) => [
        'signal',
        false,
        undefined,
        expect.stringContaining(reason) as string,
      ]),
    );

    // 3. The HTTP API: the token says who decides; the run's rules apply as for the update.
    const approveRoute = `${runRoute}/approve`;
    const api: [string, Promise<Awaited<ReturnType<typeof post>>>, Record<string, unknown>][] = [
      ['no token', post(approveRoute, { body: '{}' }), { status: 401, code: 'Unauthorized' }],
      [
        'an unknown token',
        post(approveRoute, { token: 'forged-token', body: '{}' }),
        { status: 401, code: 'Unauthorized' },
      ],
      [
        'the starter',
        post(approveRoute, { token: ALICE, body: '{"message": "mine"}' }),
        {
          status: 409,
          code: 'DecisionRefused',
          message:
            "alice started this run and may not decide it (the approval section of the run's own file does not allow the starter to approve)",
        },
      ],
      [
        'a token whose person is no approver',
        post(approveRoute, { token: MALLORY, body: '{}' }),
        {
          status: 409,
          code: 'DecisionRefused',
          message:
            "mallory may not decide this run under the approval section of the run's own file",
        },
      ],
      [
        'a body naming another approver',
        post(approveRoute, { token: MALLORY, body: '{"approver": "bob"}' }),
        {
          status: 400,
          code: 'ValidationError',
          problems: [expect.objectContaining({ path: 'approver', message: 'is not a known key' })],
        },
      ],
      [
        'a message of the wrong type',
        post(approveRoute, { token: BOB, body: '{"message": 42}' }),
        {
          status: 400,
          code: 'ValidationError',
          problems: [expect.objectContaining({ path: 'message' })],
        },
      ],
      [
        'a message over 10,000 characters',
        post(approveRoute, { token: BOB, body: JSON.stringify({ message: 'x'.repeat(10_001) }) }),
        {
          status: 400,
          code: 'ValidationError',
          problems: [expect.objectContaining({ path: 'message' })],
        },
      ],
      [
        'a body over the limit',
        post(approveRoute, {
          token: BOB,
          body: JSON.stringify({ message: 'x'.repeat(BODY_LIMIT_BYTES) }),
        }),
        {
          status: 413,
          code: 'BodyTooLarge',
          message: `the request body is over this server's limit of ${BODY_LIMIT_BYTES} bytes; send less, or raise FERRY_API_BODY_LIMIT_BYTES`,
        },
      ],
      [
        'a body that is not JSON',
        post(approveRoute, { token: BOB, body: '{"message": ' }),
        { status: 400, code: 'MalformedBody' },
      ],
      [
        // fastify reads text/plain as a string; the schema then refuses it, naming the shape it wants.
        'a body of another type',
        post(approveRoute, { token: BOB, body: 'approve please', contentType: 'text/plain' }),
        {
          status: 400,
          code: 'ValidationError',
          message:
            'the request body is not valid: must be a section (a map of keys), not text ("approve please"); write it as a section {message}',
        },
      ],
      [
        'a rejection without a reason',
        post(`${runRoute}/reject`, { token: BOB, body: '{}' }),
        {
          status: 409,
          code: 'DecisionRefused',
          message: 'a rejection needs a message saying why (-m)',
        },
      ],
      [
        'a run id of the wrong shape',
        post('/runs/not a run/approve', { token: BOB, body: '{}' }),
        { status: 400, code: 'ValidationError' },
      ],
      [
        'a run that does not exist',
        post(`/runs/ferry-nosuchrun-${shortId()}/approve`, { token: BOB, body: '{}' }),
        { status: 404, code: 'NotFound' },
      ],
    ];
    for (const [what, answer, expected] of api) {
      expect([what, await answer]).toEqual([what, expect.objectContaining(expected)]);
    }

    // Nothing of the above moved the run: still waiting, version pending, no update accepted.
    const waiting = await handle.query(summaryQuery);
    expect(waiting.stage).toBe('awaiting-approval');
    expect(waiting.modelVersion?.status).toBe('PendingManualApproval');
    expect(waiting.decisionTrail.every((entry) => !entry.accepted)).toBe(true);
    const history = (await handle.fetchHistory()).events ?? [];
    // Only the two whose credentials verified got past the validator (the starter and mallory):
    // their refusals are in the trail under their verified names, the rest left no trace.
    expect(history.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(2);
    // (The API requests above run at once, so their order is the server's.)
    expect(
      waiting.decisionTrail
        .filter((entry) => entry.via === 'update')
        .map((entry) => entry.subject)
        .sort(),
    ).toEqual(['alice', 'mallory']);

    // One valid approval, over HTTP.
    const approved = await post(approveRoute, { token: BOB, body: '{"message": "fine"}' });
    expect(approved).toEqual({
      status: 200,
      runId: handle.workflowId,
      action: 'approve',
      approver: 'bob',
      issuer: 'ferry-api',
      approvals: 1,
      approvalsNeeded: 1,
    });

    // After the decision: a second one, with a valid credential, is refused by each way in.
    const decided = 'the run was already approved; a decision cannot be changed';
    const secondThoughts = await decisionCredential(handle, 'reject', bob, 'changed my mind');
    if (!secondThoughts.ok) throw new Error(secondThoughts.reason);
    expect(await updateRefusal(handle, 'reject', { credential: secondThoughts.credential })).toBe(
      decided,
    );
    await handle.signal(rejectSignal, { credential: secondThoughts.credential });
    const again = await post(`${runRoute}/reject`, { token: BOB, body: '{"message": "no"}' });
    expect(again).toMatchObject({ status: 409, code: 'DecisionRefused' });
    expect(again.message).toMatch(/already approved| ended deployed/);

    const result: PipelineResult = await handle.result();
    expect(result.outcome).toBe('deployed');
    expect(result.modelVersion?.status).toBe('Approved');
    const accepted = result.decisionTrail?.filter((entry) => entry.accepted) ?? [];
    expect(accepted).toEqual([
      expect.objectContaining({
        via: 'update',
        action: 'approve',
        subject: 'bob',
        issuer: 'ferry-api',
        message: 'fine',
      }),
    ]);
    expect(result.decisionTrail?.at(-1)).toMatchObject({
      via: 'signal',
      accepted: false,
      reason: decided,
    });
    // Once ended, the API says so.
    const late = await post(approveRoute, { token: BOB, body: '{}' });
    expect(late).toMatchObject({ status: 409, code: 'DecisionRefused' });
    expect(late.message).toMatch(/^run ferry-fault-approvals-\w+ ended deployed; /);
    const view = (await (
      await fetch(`${baseUrl}${runRoute}`, { headers: { authorization: `Bearer ${BOB}` } })
    ).json()) as RunView;
    expect(view.status).toBe('COMPLETED');
  }, 240_000);

  // The API's schema caps a message, and so do the clients and the workflow (the message is
  // signed inside the credential): otherwise up to Temporal's 2 MB payload limit would go into
  // the run's history, its trail and the registry.
  test('refuses an oversized message through the client, a hand-made credential and the signal, naming the limit', async () => {
    const handle = await startRun();
    expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
    expect(await sendDecision(handle, 'reject', bob, 'x'.repeat(100_000))).toEqual({
      isAccepted: false,
      reason:
        'the message is 100000 characters; at most 10000: shorten it, or link to a longer note',
    });
    // A token made by hand with the issuer's key, past the issuer's own checks.
    const { modelVersion } = await handle.query(summaryQuery);
    const oversized = await new SignJWT({
      ferry: {
        action: 'reject',
        runId: handle.workflowId,
        group: modelVersion?.group,
        version: modelVersion?.version,
        message: 'x'.repeat(12_000),
      },
    })
      .setProtectedHeader({ alg: 'ES256', kid: bob.issuer.signingKey.publicJwk.kid })
      .setIssuer(bob.issuer.issuer)
      .setSubject('bob')
      .setAudience('ferry')
      .setJti(shortId())
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(bob.issuer.signingKey.privateKey);
    await handle.signal(rejectSignal, {
      credential: await sealCredential(oversized, bob.issuer.sealingKey),
    });
    const trail = await waitUntil('the refused signal is in the trail', async () => {
      const { decisionTrail } = await handle.query(summaryQuery);
      return decisionTrail.length > 0 ? decisionTrail : undefined;
    });
    expect(trail).toEqual([
      expect.objectContaining({
        via: 'signal',
        accepted: false,
        message: '',
        reason: 'unauthenticated: the credential has no valid "ferry" claim',
      }),
    ]);
    // Still waiting: a message of exactly the limit is taken.
    const atLimit = 'y'.repeat(10_000);
    expect(await sendDecision(handle, 'reject', bob, atLimit)).toMatchObject({ isAccepted: true });
    const result: PipelineResult = await handle.result();
    expect(result.outcome).toBe('rejected');
    expect(result.decisionTrail?.at(-1)).toMatchObject({ accepted: true, message: atLimit });
  });

  // Anyone who reaches the namespace can send a signal up to Temporal's 2 MB payload limit. One
  // such signal once made every later workflow task fail on payload size; now nothing of it is kept.
  test('a 1.5 MB approver name and a 1.5 MB credential leave the run healthy, readable and decidable', async () => {
    const handle = await startRun();
    expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
    const huge = 'b'.repeat(1_500_000);
    await handle.signal(approveSignal, { approver: huge });
    await handle.signal(approveSignal, { credential: `a.b.c.d.${huge}` });
    await handle.signal(rejectSignal, { credential: 'x', message: huge });
    const trail = await waitUntil('the refused signals are in the trail', async () => {
      const { decisionTrail } = await handle.query(summaryQuery);
      return decisionTrail.length >= 3 ? decisionTrail : undefined;
    });
    expect(JSON.stringify(trail).length).toBeLessThan(2_000);

    const env = { FERRY_HOME: harness.home, TEMPORAL_ADDRESS: testServerAddress() };
    const status = await runFerryAsync(['status', handle.workflowId], { env });
    expect([status.status, status.stderr]).toEqual([0, '']);
    expect(status.stdout).toMatch(/awaiting-approval/);
    expect(status.stdout.length).toBeLessThan(20_000);
    const viewed = await fetch(`${baseUrl}/runs/${handle.workflowId}`, {
      headers: { authorization: `Bearer ${BOB}` },
    });
    expect(viewed.status).toBe(200);
    expect((await viewed.text()).length).toBeLessThan(100_000);

    expect(await sendDecision(handle, 'approve', bob, 'checked')).toMatchObject({
      isAccepted: true,
    });
    const result: PipelineResult = await handle.result();
    expect(result.outcome).toBe('deployed');
    const after = await runFerryAsync(['status', handle.workflowId], { env });
    expect([after.status, after.stderr]).toEqual([0, '']);
    expect(after.stdout).toMatch(/deployed/);
  });
});
