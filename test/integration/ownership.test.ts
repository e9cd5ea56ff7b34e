import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import type { z } from 'zod';
import type { RunView } from '../../src/api/run-view';
import type { ApiErrorBody, startedRunSchema } from '../../src/api/schemas';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createDeployEndpoint } from '../../src/activities/deploy-endpoint';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { scalingPolicyOf } from '../../src/workflows/steps/endpoint-of';
import { composeBackends, openHosting, openRegistry } from '../../src/backends/compose-backends';
import { startApiHarness, type ApiHarness } from '../fixtures/api-harness';
import type { WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { runFerryAsync } from '../fixtures/ferry-cli';
import { penguinsOneModel, writePipeline } from '../fixtures/pipelines';

// alice's team owns one model group and its live endpoint; bob's team owns
// another; dana is an admin. Every request is a real HTTP call to a real API.
const TOKENS = 'alice:alice-5d4c3b,bob:bob-8e7f6a,dana:dana-1a2b3c';
const ALICE = 'alice-5d4c3b';
const BOB = 'bob-8e7f6a';
const DANA = 'dana-1a2b3c';

type StartedRun = z.infer<typeof startedRunSchema>;

let api: ApiHarness;
let harness: WorkerHarness;
let baseUrl: string;

beforeAll(async () => {
  api = await startApiHarness({ tokens: TOKENS, admins: ['dana'] });
  ({ worker: harness, baseUrl } = api);
});
afterAll(() => api?.stop());

async function call<T = ApiErrorBody>(
  method: string,
  route: string,
  options: { token: string; json?: unknown },
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token}`,
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function watchRun(runId: string, isDone: (run: RunView) => boolean): Promise<RunView> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const answer = await call<RunView>('GET', `/runs/${runId}`, { token: DANA });
    if (answer.status === 200 && isDone(answer.body)) return answer.body;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} stuck: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const suffix = () => randomBytes(3).toString('hex');

describe('a model group and its endpoint belong to their owners', () => {
  const groupA = `own-a-${suffix()}`;
  const groupB = `own-b-${suffix()}`;

  beforeAll(async () => {
    // alice's run registers group A's first version and puts it live on endpoint A.
    const started = await call<StartedRun>('POST', '/runs', {
      token: ALICE,
      json: penguinsOneModel(groupA, { approval: { approvers: ['bob'], timeout: '1h' } }),
    });
    expect(started.status).toBe(201);
    await watchRun(started.body.runId, (run) => run.stage === 'awaiting-approval');
    const approved = await call('POST', `/runs/${started.body.runId}/approve`, {
      token: BOB,
      json: { message: 'fine' },
    });
    expect(approved.status).toBe(200);
    const done = await watchRun(started.body.runId, (run) => run.status !== 'RUNNING');
    expect(done).toMatchObject({ status: 'COMPLETED', outcome: 'deployed' });
  }, 200_000);

  test('a policy-less group belongs to whoever registered its first version: bob cannot start a run in it', async () => {
    const refused = await call('POST', '/runs', { token: BOB, json: penguinsOneModel(groupA) });
    expect([refused.status, refused.body.code]).toEqual([403, 'NotOwner']);
    expect(refused.body.message).toBe(
      `nothing was started: model group ${groupA} belongs to alice (who started the run that registered its version 1; it has no approval policy); bob may not start runs in it, register versions in it or deploy its endpoints: use a model group of your own, or ask an admin to set a policy for ${groupA} that names bob (ferry policy set ${groupA} <file>)`,
    );
  });

  test("a run of another group cannot deploy to group A's endpoint; the refusal names the owner and the fix", async () => {
    const refused = await call('POST', '/runs', {
      token: BOB,
      json: penguinsOneModel(groupB, { endpoint: { name: groupA } }),
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'NotOwner']);
    expect(refused.body.message).toContain(
      `endpoint ${groupA} serves model group ${groupA}, which belongs to alice`,
    );
    expect(refused.body.message).toContain(
      'set endpoint.name to an endpoint of your own (by default it is the model group',
    );
  });

  test('ferry run refuses it too, before starting anything: exit 2 with the owner and the fix', async () => {
    const refused = await runFerryAsync(['run', writePipeline(penguinsOneModel(groupA))], {
      env: { FERRY_HOME: harness.home, FERRY_TASK_QUEUE: harness.taskQueue },
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `: model group ${groupA} belongs to alice \\(who started the run that registered its version 1; it has no approval policy\\); \\S+ may not start runs in it.*; nothing was started\\n$`,
      ),
    );
    expect(refused.stdout).not.toMatch(/started by/);
  });

  test('a run started around the API (a raw Temporal client) is refused by the workflow itself, in seconds', async () => {
    const bob = await person(harness.home, 'bob');
    const workflowId = `ferry-own-${suffix()}`;
    const handle = await startRunAs(harness.client, bob, {
      taskQueue: harness.taskQueue,
      workflowId,
      config: penguinsOneModel(groupB, { endpoint: { name: groupA } }) as never,
    });
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const root = rootCause(failure);
    expect(root).toMatchObject({ type: 'NotOwner' });
    expect(root.message).toContain(`endpoint ${groupA} serves model group ${groupA}`);
    // Nothing was registered into either group: the run stopped in its first step.
    const registry = openRegistry('local', harness.home);
    expect(await registry.listVersions(groupB)).toEqual([]);
    expect((await registry.listVersions(groupA)).map((v) => v.version)).toEqual([1]);
  }, 60_000);

  test('the deploy activity itself refuses an endpoint that serves another group, whatever the run checked before', async () => {
    // A version of group B, registered as bob's run would; then the deploy step's activity,
    // run as the worker runs it, asked to put it on group A's live endpoint.
    const registry = openRegistry('local', harness.home);
    const version = await registry.registerVersion({
      group: groupB,
      metrics: { accuracy: 0.9 },
      lineage: {
        runId: `ferry-own-${suffix()}`,
        candidateId: 'c01',
        algorithm: 'linear',
        hyperparameters: {},
        datasetFingerprint: 'f',
        configHash: 'h',
        artifactPath: '/nowhere',
        artifactSha256: 's',
      },
      registeredBy: 'bob',
    });
    const deployEndpoint = createDeployEndpoint(composeBackends({ home: harness.home }));
    const refused = await new MockActivityEnvironment(undefined, {
      logger: new DefaultLogger('WARN'),
    })
      .run(deployEndpoint, {
        runId: version.lineage.runId,
        endpoint: groupA,
        model: { group: groupB, version: version.version },
        policy: scalingPolicyOf(pipelineSchema.parse(penguinsOneModel(groupB)).endpoint),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'NotOwner', nonRetryable: true });
    expect((refused as Error).message).toMatch(
      new RegExp(`^endpoint ${groupA} serves model group ${groupA}, which belongs to alice`),
    );
    const endpoint = await openHosting('local', harness.home).describe(groupA);
    expect(endpoint?.current?.model).toMatchObject({ group: groupA, version: 1 });
  });

  test("an admin's policy decides from then on: the people it names may run in the group, the first registrant may not", async () => {
    const set = await call('PUT', `/policies/${groupA}`, {
      token: DANA,
      json: { owners: ['bob'], approvers: ['dana'] },
    });
    expect(set.status).toBe(200);
    const byAlice = await call('POST', '/runs', { token: ALICE, json: penguinsOneModel(groupA) });
    expect([byAlice.status, byAlice.body.code]).toEqual([403, 'NotOwner']);
    expect(byAlice.body.message).toContain(
      `model group ${groupA} belongs to bob, dana (named by its approval policy, revision 1); alice may not start runs in it`,
    );
    expect(byAlice.body.message).toContain(`add alice under owners in its policy`);
    const byBob = await call<StartedRun>('POST', '/runs', {
      token: BOB,
      json: penguinsOneModel(groupA),
    });
    expect(byBob.status).toBe(201);
    await harness.client.workflow.getHandle(byBob.body.runId).terminate('test over');
  });
});

function rootCause(error: unknown): { type?: string; message: string } {
  let current = error as { cause?: unknown; type?: string; message: string };
  while (current.cause) current = current.cause as typeof current;
  return current;
}
