import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { generateKeyPair } from 'jose';
import { openRegistry } from '../../src/backends/compose-backends';
import { localRegistryFile } from '../../src/backends/local/sqlite-registry';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { approvalPolicySchema } from '../../src/policy/approval-policy';
import { issueCredential, type Signer } from '../../src/identity/credential-issuer';
import { findTemporalCli } from '../../src/temporal/temporal-cli';
import { decisionCredential, sendDecision, waitForStage } from '../../src/temporal/run-control';
import { approveUpdate, summaryQuery, type PipelineResult } from '../../src/workflows/definitions';
import type { trainingPipeline } from '../../src/workflows/pipeline';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { runFerry } from '../fixtures/ferry-cli';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';
import { testServerAddress } from '../fixtures/temporal';

let harness: WorkerHarness;
let alice: Signer;
let bob: Signer;
let carol: Signer;
beforeAll(async () => {
  harness = await startWorkerHarness();
  alice = await person(harness.home, 'alice');
  bob = await person(harness.home, 'bob');
  carol = await person(harness.home, 'carol');
});
afterAll(async () => {
  await harness?.stop();
});

const newGroup = () => `approval-${randomBytes(3).toString('hex')}`;

/** A fast run (one linear model on penguins) that comes to wait for a decision; carol starts it. */
async function waitingRun(
  approval: Record<string, unknown> = {},
  group = newGroup(),
): Promise<WorkflowHandle<typeof trainingPipeline>> {
  const config = pipelineSchema.parse(
    penguinsOneModel(group, {
      approval: { approvers: ['alice', 'bob', 'carol'], timeout: '1h', ...approval },
    }),
  );
  const handle = await startRunAs(harness.client, carol, {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-approval-${randomBytes(4).toString('hex')}`,
    config,
  });
  expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
  return handle;
}

/** The refusal of a decision sent as `signer`; fails the test if it was accepted. */
async function refusalOf(
  handle: WorkflowHandle,
  action: 'approve' | 'reject',
  signer: Signer,
  message?: string,
): Promise<string> {
  const outcome = await sendDecision(handle, action, signer, message);
  if (outcome.isAccepted) throw new Error(`the ${action} by ${signer.subject} was accepted`);
  return outcome.reason;
}

async function registryStatus(result: PipelineResult) {
  const version = result.modelVersion;
  return (
    await openRegistry('local', harness.home).getVersion(
      version?.group ?? '',
      version?.version ?? 0,
    )
  )?.statusHistory.map((c) => [c.status, c.by, c.reason]);
}

function signalFromCli(handle: WorkflowHandle, name: string, input: string) {
  return spawnSync(
    findTemporalCli(),
    [
      'workflow',
      'signal',
      ...['--workflow-id', handle.workflowId, '--name', name, '--input', input],
      ...['--address', testServerAddress()],
    ],
    { encoding: 'utf8' },
  );
}

/** Every payload of a history as text, so a test can look for what must not be there. */
function historyText(history: unknown): string {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
    else if (typeof value === 'string') texts.push(value);
  };
  walk(history);
  return texts.join('\n');
}

async function trailOf(handle: WorkflowHandle, atLeast: number) {
  for (let i = 0; i < 100; i++) {
    const { decisionTrail } = await handle.query(summaryQuery);
    if (decisionTrail.length >= atLeast) return decisionTrail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the trail did not reach ${atLeast} entries`);
}

describe('verified decisions under the run file’s rules', () => {
  test('an eligible, verified approver approves: the version is Approved, with who, which issuer, and why', async () => {
    const handle = await waitingRun();
    const outcome = await sendDecision(handle, 'approve', alice, 'AUC up 2 points');
    expect(outcome).toMatchObject({
      isAccepted: true,
      decision: { action: 'approve', approver: 'alice', issuer: 'ferry-api' },
    });
    const result = await handle.result();
    expect(result.outcome).toBe('deployed');
    expect(result.startedBy).toBe('carol');
    expect((await registryStatus(result))?.[1]).toEqual(['Approved', 'alice', 'AUC up 2 points']);
    expect(result.decisionTrail?.[0]).toMatchObject({
      subject: 'alice',
      issuer: 'ferry-api',
      eligibleAs: 'approver',
      accepted: true,
    });
    // No credential in history: the sealed text is there (the signal and the check carry it),
    // the signed token inside it is not, and neither is any other JWT.
    const history = historyText(await handle.fetchHistory());
    expect(history).toMatch(/eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIs/); // the JWE header: ECDH-ES+A256KW
    expect(history).not.toMatch(/eyJhbGciOiJFUzI1NiIs/); // an ES256 JWS header
  });

  test('a raw signal naming an approver is refused as unauthenticated, and the run keeps waiting', async () => {
    const handle = await waitingRun();
    expect(signalFromCli(handle, 'approve', '{"approver":"bob"}').status).toBe(0);
    expect(signalFromCli(handle, 'approve', '"bob"').status).toBe(0);
    const trail = await trailOf(handle, 2);
    expect(trail.map((entry) => [entry.via, entry.accepted, entry.subject])).toEqual([
      ['signal', false, undefined],
      ['signal', false, undefined],
    ]);
    expect(trail[0]?.reason).toMatch(
      /^unauthenticated: the approve payload carries no credential\. A name in the payload proves nothing/,
    );
    expect((await handle.query(summaryQuery)).stage).toBe('awaiting-approval');

    // The same path with a credential the API issued (POST /runs/{id}/credentials) approves.
    const issued = await decisionCredential(handle, 'approve', bob, 'ship it');
    if (!issued.ok) throw new Error(issued.reason);
    const sent = signalFromCli(
      handle,
      'approve',
      JSON.stringify({ credential: issued.credential }),
    );
    expect(sent.stderr).toBe('');
    const result = await handle.result();
    expect(result.outcome).toBe('deployed');
    expect(result.decisionTrail?.[2]).toMatchObject({
      via: 'signal',
      subject: 'bob',
      message: 'ship it',
      accepted: true,
      tokenId: issued.tokenId,
    });
  });

  test('forged, unknown-issuer, expired, wrong-run, wrong-version and wrong-action credentials are refused and recorded', async () => {
    const handle = await waitingRun();
    const { modelVersion } = await handle.query(summaryQuery);
    const binding = {
      action: 'approve' as const,
      runId: handle.workflowId,
      group: modelVersion?.group ?? '',
      version: modelVersion?.version ?? 0,
    };
    const forgedKey = await generateKeyPair('ES256');
    const forger = {
      ...bob.issuer,
      signingKey: { ...bob.issuer.signingKey, privateKey: forgedKey.privateKey },
    };
    const unknown = { ...forger, issuer: 'https://idp.example.invalid' };
    const credentials = {
      forged: await issueCredential(forger, 'bob', binding),
      unknownIssuer: await issueCredential(unknown, 'bob', binding),
      expired: await issueCredential(bob.issuer, 'bob', binding, {
        now: new Date(Date.now() - 3_600_000),
        ttlSeconds: 600,
      }),
      wrongRun: await issueCredential(bob.issuer, 'bob', { ...binding, runId: 'ferry-other-run' }),
      wrongVersion: await issueCredential(bob.issuer, 'bob', {
        ...binding,
        version: binding.version + 1,
      }),
      wrongAction: await issueCredential(bob.issuer, 'bob', {
        ...binding,
        action: 'reject',
        message: 'no',
      }),
    };
    const reasons: Record<string, string> = {};
    for (const [name, { credential }] of Object.entries(credentials)) {
      try {
        await handle.executeUpdate(approveUpdate, { args: [{ credential }] });
        reasons[name] = 'accepted';
      } catch (error) {
        if (!(error instanceof WorkflowUpdateFailedError)) throw error;
        reasons[name] = error.cause?.message ?? '';
      }
    }
    expect(reasons).toEqual({
      forged: expect.stringMatching(
        /^unauthenticated: .*signature does not match ferry-api's keys: it was forged or altered/,
      ) as string,
      unknownIssuer: expect.stringMatching(
        /^unauthenticated: the credential's issuer "https:\/\/idp\.example\.invalid" is not one this worker trusts/,
      ) as string,
      expired: 'unauthenticated: the credential has expired; ask for a new one',
      wrongRun: `unauthenticated: the credential is for run ferry-other-run, not this run (${handle.workflowId})`,
      wrongVersion: expect.stringMatching(
        /^unauthenticated: the credential is for version \d+ of .*, not version \d+/,
      ) as string,
      wrongAction: 'unauthenticated: the credential is for "reject", not "approve"',
    });
    const summary = await handle.query(summaryQuery);
    expect(summary.stage).toBe('awaiting-approval');
    expect(summary.decisionTrail).toHaveLength(6);
    expect(
      summary.decisionTrail.every((entry) => !entry.accepted && entry.subject === undefined),
    ).toBe(true);
    await handle.cancel();
  });

  test('a quorum of 2 is not met by one person twice; the starter may not approve; one rejection rejects', async () => {
    const handle = await waitingRun({ approvals: 2 });
    expect(await refusalOf(handle, 'approve', carol)).toMatch(
      /^carol started this run and may not decide it/,
    );
    expect(await sendDecision(handle, 'approve', alice)).toMatchObject({
      isAccepted: true,
      decision: { approvals: 1, approvalsNeeded: 2 },
    });
    expect(await refusalOf(handle, 'approve', alice)).toBe(
      'alice has approved already; the quorum counts distinct people (1 of 2)',
    );
    expect((await handle.query(summaryQuery)).stage).toBe('awaiting-approval');
    expect(await refusalOf(handle, 'reject', bob)).toBe(
      'a rejection needs a message saying why (-m)',
    );
    await sendDecision(handle, 'reject', bob, 'fails fairness review');
    const result = await handle.result();
    expect(result.outcome).toBe('rejected');
    expect((await registryStatus(result))?.[1]).toEqual([
      'Rejected',
      'bob',
      'fails fairness review',
    ]);
  });

  test('no decision within the timeout: the run ends as expired and the version is Rejected', async () => {
    // Below the 1-minute floor that pipeline files enforce; schema-only parsing lets a test wait 3 s.
    const handle = await waitingRun({ timeout: '3s' });
    const result = await handle.result();
    expect(result.outcome).toBe('expired');
    expect((await registryStatus(result))?.[1]).toEqual(['Rejected', 'ferry', 'approval expired']);
    expect(result.decisionTrail?.map((entry) => [entry.via, entry.action])).toEqual([
      ['timeout', 'expire'],
    ]);
  });
});

describe('a group policy governs, whatever the run file says', () => {
  test('the file lists only its starter and allows self-approval; the group policy still decides, with a quorum of two', async () => {
    const group = newGroup();
    const registry = openRegistry('local', harness.home);
    await registry.setPolicy({
      group,
      policy: approvalPolicySchema.parse({
        owners: ['carol'],
        approvers: ['alice'],
        groups: { leads: ['bob'] },
        approvals: 2,
      }),
      setBy: 'admin',
    });
    const handle = await waitingRun({ approvers: ['carol'], allowStarterToApprove: true }, group);
    expect(await refusalOf(handle, 'approve', carol)).toMatch(
      /^carol may not decide this run under group approval-\w+'s approval policy \(revision 1\)/,
    );
    await sendDecision(handle, 'approve', alice, 'metrics fine');
    await sendDecision(handle, 'approve', bob, 'reviewed');
    const result = await handle.result();
    expect(result.outcome).toBe('deployed');
    expect(result.policy).toMatchObject({ source: 'group-policy', revision: 1, approvals: 2 });
    expect(result.policy?.notes.join(' ')).toMatch(
      /approval.approvers in the run's file is ignored/,
    );
    const version = await registry.getVersion(group, result.modelVersion?.version ?? 0);
    expect(version?.statusHistory.at(-1)).toMatchObject({ status: 'Approved', by: 'alice, bob' });
    expect(version?.policy).toEqual(result.policy);
    expect(
      version?.decisionTrail.map((entry) => [entry.subject, entry.accepted, entry.eligibleAs]),
    ).toEqual([
      ['carol', false, undefined],
      ['alice', true, 'approver'],
      ['bob', true, 'group leads'],
    ]);

    // `ferry models audit` verifies the record, then names the entry someone edited.
    const env = { FERRY_HOME: harness.home, TEMPORAL_ADDRESS: testServerAddress() };
    const intact = runFerry(['models', 'audit', group, String(version?.version)], { env });
    expect(intact.stdout).toMatch(/ok {3}chain: 3 entries/);
    expect(intact.stdout).toMatch(/ok {3}run history: the 3 entries match/);
    expect(intact.status).toBe(0);
    const db = new Database(localRegistryFile(harness.home));
    db.prepare(
      'UPDATE decision_trail SET entry = replace(entry, \'"reviewed"\', \'"rubber-stamped"\') WHERE model_group = ? AND seq = 2',
    ).run(group);
    db.close();
    const edited = runFerry(['models', 'audit', group, String(version?.version)], { env });
    expect(edited.stdout).toMatch(
      /FAIL chain: entry 2 \(approve by bob at .*\) does not match its own digest: the entry was edited/,
    );
    expect(edited.status).toBe(1);
  });

  test('a policy nobody could satisfy fails the run in its first step, before any training', async () => {
    const group = newGroup();
    await openRegistry('local', harness.home).setPolicy({
      group,
      policy: approvalPolicySchema.parse({ approvers: ['carol'] }),
      setBy: 'admin',
    });
    const config = pipelineSchema.parse(penguinsOneModel(group));
    const handle = await startRunAs(harness.client, carol, {
      taskQueue: harness.taskQueue,
      workflowId: `ferry-approval-${randomBytes(4).toString('hex')}`,
      config,
    });
    await expect(handle.result()).rejects.toThrow();
    const failure = (await handle.fetchHistory()).events?.find(
      (event) => event.workflowExecutionFailedEventAttributes,
    )?.workflowExecutionFailedEventAttributes?.failure;
    expect(
      failure?.cause?.applicationFailureInfo?.type ?? failure?.applicationFailureInfo?.type,
    ).toBe('ApprovalPolicyUnsatisfiable');
    expect(JSON.stringify(failure)).toMatch(/nobody may approve a run carol started/);
  });
});

describe('starting a run needs a verified credential', () => {
  test('a start with a claimed name and no credential does nothing', async () => {
    const config = pipelineSchema.parse(penguinsOneModel(newGroup()));
    const handle = await harness.client.workflow.start('trainingPipeline', {
      taskQueue: harness.taskQueue,
      workflowId: `ferry-approval-${randomBytes(4).toString('hex')}`,
      args: [{ config, startedBy: 'alice', startCredential: 'not.a.sealed.credential.at-all' }],
    });
    await expect(handle.result()).rejects.toThrow();
    const history = (await handle.fetchHistory()).events ?? [];
    const failure = history.find((event) => event.workflowExecutionFailedEventAttributes)
      ?.workflowExecutionFailedEventAttributes?.failure;
    expect(JSON.stringify(failure)).toMatch(
      /start credential was refused: the credential was not sealed for this worker's key/,
    );
    expect(
      history
        .filter((event) => event.activityTaskScheduledEventAttributes)
        .map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name),
    ).toEqual(['verifyCredential']);
  });
});
