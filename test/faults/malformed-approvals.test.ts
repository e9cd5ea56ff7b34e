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
import { waitForStage } from '../../src/temporal/run-control';
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
import { penguinsOneModel } from '../fixtures/pipelines';
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

beforeAll(async () => {
  harness = await startWorkerHarness();
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
  return harness.client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-fault-approvals-${shortId()}`,
    args: [{ config, startedBy: 'alice' }],
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
    expect(await updateRefusal(handle, 'approve', { approver: 'bob' })).toBe(
      'the run is not waiting for a decision yet',
    );
    expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');

    // 1. Updates (`ferry approve`, any SDK client): the validator refuses, leaving no trace.
    const needsApprover = 'the approve payload needs "approver": the name of the person deciding';
    const notAnObject =
      'the approve payload must be an object like {"approver": "alice", "message": "why"}';
    const updates: [string, 'approve' | 'reject', unknown, string][] = [
      [
        'unknown approver',
        'approve',
        { approver: 'mallory' },
        'mallory may not decide this run; approvers: alice, bob',
      ],
      [
        'the starter',
        'approve',
        { approver: 'alice', message: 'mine' },
        'alice started this run and may not decide it (approval.allowStarterToApprove is false)',
      ],
      ['empty identity', 'approve', { approver: '' }, needsApprover],
      ['blank identity', 'approve', { approver: '   ' }, needsApprover],
      ['missing approver', 'approve', { message: 'ship it' }, needsApprover],
      ['approver of the wrong type', 'approve', { approver: 42 }, needsApprover],
      ['approver as a list', 'approve', { approver: ['bob'] }, needsApprover],
      [
        'message of the wrong type',
        'approve',
        { approver: 'bob', message: { text: 'ok' } },
        '"message" must be text, not object',
      ],
      ['text instead of an object', 'approve', 'bob', notAnObject],
      ['null', 'approve', null, notAnObject],
      ['a list', 'approve', [{ approver: 'bob' }], notAnObject],
      [
        'a name differing in case',
        'approve',
        { approver: 'Bob' },
        'Bob may not decide this run; approvers: alice, bob',
      ],
      [
        'a rejection without a reason',
        'reject',
        { approver: 'bob' },
        'a rejection needs a message saying why (-m)',
      ],
      [
        'a rejection with a blank reason',
        'reject',
        { approver: 'bob', message: '  \n ' },
        'a rejection needs a message saying why (-m)',
      ],
    ];
    for (const [what, action, payload, reason] of updates) {
      expect([what, await updateRefusal(handle, action, payload)]).toEqual([what, reason]);
    }
    // A decision for a run that does not exist finds no run.
    const wrongRun = harness.client.workflow.getHandle(`ferry-fault-nosuchrun-${shortId()}`);
    await expect(
      wrongRun.executeUpdate(approveUpdate, { args: [{ approver: 'bob' }] }),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);

    // 2. Signals (the Temporal UI, `temporal workflow signal`): refused and recorded in the trail.
    const signals: [typeof approveSignal, unknown, string][] = [
      [approveSignal, { approver: 'mallory' }, 'mallory may not decide this run'],
      [approveSignal, { approver: 'alice' }, 'alice started this run and may not decide it'],
      [approveSignal, { approver: '' }, needsApprover],
      [approveSignal, 'just text', notAnObject],
      [approveSignal, { approver: 'bob', message: 7 }, '"message" must be text, not number'],
      [rejectSignal, { approver: 'bob' }, 'a rejection needs a message saying why (-m)'],
    ];
    for (const [signal, payload] of signals) await handle.signal(signal, payload);
    await expect(wrongRun.signal(approveSignal, { approver: 'bob' })).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    const trail = await waitUntil('the refused signals are in the trail', async () => {
      const { decisionTrail } = await handle.query(summaryQuery);
      return decisionTrail.length >= signals.length ? decisionTrail : undefined;
    });
    expect(trail.map((entry) => [entry.via, entry.accepted, entry.reason])).toEqual(
      signals.map(([, , reason]) => ['signal', false, expect.stringContaining(reason) as string]),
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
            'alice started this run and may not decide it (approval.allowStarterToApprove is false)',
        },
      ],
      [
        'a token whose person is no approver',
        post(approveRoute, { token: MALLORY, body: '{}' }),
        {
          status: 409,
          code: 'DecisionRefused',
          message: 'mallory may not decide this run; approvers: alice, bob',
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
    expect(history.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(0);

    // One valid approval, over HTTP.
    const approved = await post(approveRoute, { token: BOB, body: '{"message": "fine"}' });
    expect(approved).toEqual({
      status: 200,
      runId: handle.workflowId,
      action: 'approve',
      approver: 'bob',
    });

    // After the decision: a second one is refused by each way in, while the run releases.
    const decided = 'the run was already decided: approved by bob; a decision cannot be changed';
    expect(await updateRefusal(handle, 'reject', { approver: 'bob', message: 'no' })).toBe(decided);
    await handle.signal(rejectSignal, { approver: 'bob', message: 'changed my mind' });
    const again = await post(`${runRoute}/reject`, { token: BOB, body: '{"message": "no"}' });
    expect(again).toMatchObject({ status: 409, code: 'DecisionRefused' });
    expect(again.message).toMatch(/already decided: approved by bob|has ended/);

    const result: PipelineResult = await handle.result();
    expect(result.outcome).toBe('deployed');
    expect(result.modelVersion?.status).toBe('Approved');
    const accepted = result.decisionTrail?.filter((entry) => entry.accepted) ?? [];
    expect(accepted).toEqual([
      expect.objectContaining({
        via: 'update',
        action: 'approve',
        approver: 'bob',
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
    expect(late.message).toMatch(/^run ferry-fault-approvals-\w+ has ended \(COMPLETED\)/);
    const view = (await (
      await fetch(`${baseUrl}${runRoute}`, { headers: { authorization: `Bearer ${BOB}` } })
    ).json()) as RunView;
    expect(view.status).toBe('COMPLETED');
  }, 240_000);

  // The API's schema caps a message, and so does the workflow, for `ferry approve -m`,
  // SDK clients and signals: otherwise up to Temporal's 2 MB payload limit would go
  // into the run's history, its trail and the registry.
  test('refuses an oversized message through the update and the signal, naming the limit', async () => {
    const handle = await startRun();
    expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
    const oversized = { approver: 'bob', message: 'x'.repeat(100_000) };
    const reason =
      '"message" is 100000 characters; at most 10000: shorten it, or link to a longer note';
    expect(await updateRefusal(handle, 'reject', oversized)).toBe(reason);
    await handle.signal(rejectSignal, oversized);
    const trail = await waitUntil('the refused signal is in the trail', async () => {
      const { decisionTrail } = await handle.query(summaryQuery);
      return decisionTrail.length > 0 ? decisionTrail : undefined;
    });
    expect(trail).toEqual([
      expect.objectContaining({ via: 'signal', accepted: false, message: '', reason }),
    ]);
    // Still waiting: a message of exactly the limit is taken.
    const atLimit = 'y'.repeat(10_000);
    await handle.executeUpdate(rejectUpdate, { args: [{ approver: 'bob', message: atLimit }] });
    const result: PipelineResult = await handle.result();
    expect(result.outcome).toBe('rejected');
    expect(result.decisionTrail?.at(-1)).toMatchObject({ accepted: true, message: atLimit });
  });
});
