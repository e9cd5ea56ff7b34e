import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { SignJWT, generateKeyPair, exportJWK, type CryptoKey, type JWK } from 'jose';
import { openRegistry } from '../../src/backends/compose-backends';
import type { Registry } from '../../src/backends/registry';
import { pipelineSchema, type PipelineConfig } from '../../src/config/pipeline-schema';
import { configSha256 } from '../../src/identity/config-digest';
import { issueCredential, type Signer } from '../../src/identity/credential-issuer';
import { sealCredential } from '../../src/identity/sealing';
import { approvalPolicySchema } from '../../src/policy/approval-policy';
import { resolvePolicy } from '../../src/policy/policy-in-force';
import { sendDecision, waitForStage } from '../../src/temporal/run-control';
import { approveUpdate, rejectSignal, summaryQuery } from '../../src/workflows/definitions';
import type { trainingPipeline } from '../../src/workflows/pipeline';
import { MAX_RECORDED_REFUSALS } from '../../src/workflows/decision-desk';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { runFerry } from '../fixtures/ferry-cli';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel, writePipeline } from '../fixtures/pipelines';
import { cleanUpHome, shortId, waitUntil } from './fault-kit';

// Credentials that must not count, and policies a run's file must not loosen, each
// through the real worker: the group policy says alice, bob and the leads (dana) may
// approve, two of them, never the starter; carol starts every run.
let harness: WorkerHarness;
let registry: Registry;
let alice: Signer;
let bob: Signer;
let carol: Signer;
let mallory: Signer;

beforeAll(async () => {
  harness = await startWorkerHarness();
  registry = openRegistry('local', harness.home);
  [alice, bob, carol, mallory] = [
    await person(harness.home, 'alice'),
    await person(harness.home, 'bob'),
    await person(harness.home, 'carol'),
    await person(harness.home, 'mallory'),
  ];
});
afterAll(async () => {
  await harness?.stop();
  expect(await cleanUpHome(harness.home)).toEqual([]);
});

async function groupWithPolicy(): Promise<string> {
  const group = `forged-${shortId()}`;
  await registry.setPolicy({
    group,
    policy: approvalPolicySchema.parse({
      owners: ['carol'],
      approvers: ['alice', 'bob'],
      groups: { leads: ['dana'] },
      approvals: 2,
      maxTimeout: '2h',
    }),
    setBy: 'admin',
  });
  return group;
}

function configOf(group: string, approval: Record<string, unknown> = {}): PipelineConfig {
  return pipelineSchema.parse(
    penguinsOneModel(group, { approval: { approvers: ['carol'], ...approval } }),
  );
}

async function waitingRun(config: PipelineConfig) {
  const handle = await startRunAs(harness.client, carol, {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-fault-forged-${shortId()}`,
    config,
  });
  expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
  const { modelVersion } = await handle.query(summaryQuery);
  if (!modelVersion) throw new Error('no version registered');
  const { group, version } = modelVersion;
  return { handle, binding: { runId: handle.workflowId, group, version } };
}

/** Sends a sealed credential as an approve update; what the run answered. */
async function answerTo(handle: WorkflowHandle, credential: string): Promise<string> {
  try {
    const accepted = await handle.executeUpdate(approveUpdate, { args: [{ credential }] });
    return `accepted: ${accepted.approver} (${accepted.approvals} of ${accepted.approvalsNeeded})`;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return error.cause?.message ?? '';
    throw error;
  }
}

/** A token signed with `key` as `issuer` says, with any claims a forger likes, sealed for the workers. */
async function handMade(
  signer: Signer,
  claims: Record<string, unknown>,
  shape: { audience?: string; lifetimeS?: number; key?: CryptoKey } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: signer.issuer.signingKey.publicJwk.kid })
    .setIssuer(signer.issuer.issuer)
    .setSubject(signer.subject)
    .setAudience(shape.audience ?? 'ferry')
    .setJti(shortId())
    .setIssuedAt(now)
    .setExpirationTime(now + (shape.lifetimeS ?? 600))
    .sign(shape.key ?? signer.issuer.signingKey.privateKey);
  return sealCredential(token, signer.issuer.sealingKey);
}

describe('credentials that must not count', () => {
  test('each is refused with its reason and recorded; only two eligible, distinct, verified people approve', async () => {
    const group = await groupWithPolicy();
    const { handle, binding } = await waitingRun(configOf(group, { allowStarterToApprove: true }));
    const approve = { ...binding, action: 'approve' as const };
    const otherKey = await generateKeyPair('ES256');
    const otherSealing = await generateKeyPair('ECDH-ES+A256KW', { extractable: true });
    const otherSealingJwk: JWK = { ...(await exportJWK(otherSealing.publicKey)), kid: 'other' };
    const forger = {
      ...bob,
      issuer: {
        ...bob.issuer,
        signingKey: { ...bob.issuer.signingKey, privateKey: otherKey.privateKey },
      },
    };
    const aliceFirst = await issueCredential(alice.issuer, 'alice', approve);
    const sealed = (await issueCredential(bob.issuer, 'bob', approve)).credential;
    const [header, key, iv, ciphertext, tag] = sealed.split('.');
    const flipped = `${ciphertext?.slice(0, -2)}${ciphertext?.endsWith('A') ? 'B' : 'A'}${ciphertext?.slice(-1)}`;

    const cases: [string, Promise<string>, string | RegExp][] = [
      [
        'a forged signature',
        issueCredential(forger.issuer, 'bob', approve).then((c) => c.credential),
        /signature does not match ferry-api's keys: it was forged or altered$/,
      ],
      [
        'an unknown issuer',
        issueCredential({ ...forger.issuer, issuer: 'evil-idp' }, 'bob', approve).then(
          (c) => c.credential,
        ),
        /issuer "evil-idp" is not one this worker trusts/,
      ],
      [
        'an expired credential',
        issueCredential(bob.issuer, 'bob', approve, { now: new Date(Date.now() - 7_200_000) }).then(
          (c) => c.credential,
        ),
        /has expired/,
      ],
      [
        'a credential for another run',
        issueCredential(bob.issuer, 'bob', { ...approve, runId: 'ferry-someone-else' }).then(
          (c) => c.credential,
        ),
        /is for run ferry-someone-else, not this run/,
      ],
      [
        'a credential for another version',
        issueCredential(bob.issuer, 'bob', { ...approve, version: approve.version + 5 }).then(
          (c) => c.credential,
        ),
        /is for version \d+ of/,
      ],
      [
        'a credential for another group',
        issueCredential(bob.issuer, 'bob', { ...approve, group: 'someone-elses-model' }).then(
          (c) => c.credential,
        ),
        /is for model group someone-elses-model/,
      ],
      [
        'a reject credential sent as an approval',
        issueCredential(bob.issuer, 'bob', { ...approve, action: 'reject', message: 'no' }).then(
          (c) => c.credential,
        ),
        /is for "reject", not "approve"/,
      ],
      [
        'a start credential sent as an approval',
        issueCredential(bob.issuer, 'bob', { ...approve, action: 'start' }).then(
          (c) => c.credential,
        ),
        /is for "start", not "approve"/,
      ],
      [
        'a credential living two hours',
        handMade(bob, { ferry: approve }, { lifetimeS: 7200 }),
        /lives 7200 s; Ferry accepts at most 3600 s/,
      ],
      [
        'an ID token for another audience',
        handMade(bob, { ferry: approve }, { audience: 'another-service' }),
        /"aud" claim is not valid/,
      ],
      [
        'a signed token with no binding',
        handMade(bob, { email: 'bob@example.com' }),
        /has no valid "ferry" claim/,
      ],
      [
        'a binding with unknown fields',
        handMade(bob, { ferry: { ...approve, admin: true } }),
        /has no valid "ferry" claim/,
      ],
      [
        'a credential sealed for other workers',
        sealCredential('x.y.z', otherSealingJwk),
        /was not sealed for this worker's key/,
      ],
      [
        'a tampered ciphertext',
        Promise.resolve([header, key, iv, flipped, tag].join('.')),
        /was not sealed for this worker's key/,
      ],
      [
        'a verified person who is no approver',
        issueCredential(mallory.issuer, 'mallory', approve).then((c) => c.credential),
        /^mallory may not decide this run under group forged-\w+'s approval policy/,
      ],
      [
        'the starter, whom the file allows and the policy does not',
        issueCredential(carol.issuer, 'carol', approve).then((c) => c.credential),
        /^carol may not decide this run under group/,
      ],
      ['the first approval', Promise.resolve(aliceFirst.credential), 'accepted: alice (1 of 2)'],
      [
        'the same credential again',
        Promise.resolve(aliceFirst.credential),
        'this credential was used already; each one counts once',
      ],
      [
        'the same person with a new credential',
        issueCredential(alice.issuer, 'alice', approve).then((c) => c.credential),
        'alice has approved already; the quorum counts distinct people (1 of 2)',
      ],
    ];
    const answers: [string, string][] = [];
    for (const [what, credential] of cases)
      answers.push([what, await answerTo(handle, await credential)]);
    expect(answers).toEqual(
      cases.map(([what, , expected]) => [
        what,
        typeof expected === 'string' ? expected : (expect.stringMatching(expected) as string),
      ]),
    );

    // Nothing but alice's approval counted: the run still waits for a second person.
    const summary = await handle.query(summaryQuery);
    expect(summary.stage).toBe('awaiting-approval');
    expect(
      summary.decisionTrail.filter((entry) => entry.accepted).map((entry) => entry.subject),
    ).toEqual(['alice']);
    expect(summary.decisionTrail).toHaveLength(cases.length);

    // A member of a named group completes the quorum.
    const dana = await person(harness.home, 'dana');
    expect(await sendDecision(handle, 'approve', dana, 'lead sign-off')).toMatchObject({
      isAccepted: true,
    });
    const result = await handle.result();
    expect(result.outcome).toBe('deployed');
    expect(
      result.decisionTrail
        ?.filter((entry) => entry.accepted)
        .map((entry) => [entry.subject, entry.eligibleAs]),
    ).toEqual([
      ['alice', 'approver'],
      ['dana', 'group leads'],
    ]);
  }, 300_000);

  test('a flood of refused signals is counted, not kept, stops being verified, and wedges nothing', async () => {
    const group = await groupWithPolicy();
    const { handle, binding } = await waitingRun(configOf(group));
    const junk = await issueCredential(mallory.issuer, 'mallory', {
      ...binding,
      action: 'reject',
      message: 'spam',
    });
    for (let i = 0; i < 60; i++)
      await handle.signal(
        rejectSignal,
        i % 2 ? { approver: 'bob' } : { credential: junk.credential },
      );
    const summary = await waitUntil('all 60 signals are handled', async () => {
      const now = await handle.query(summaryQuery);
      return now.decisionTrail.length + now.refusedNotRecorded >= 60 ? now : undefined;
    });
    expect(summary.decisionTrail).toHaveLength(MAX_RECORDED_REFUSALS);
    expect(summary.refusedNotRecorded).toBe(60 - MAX_RECORDED_REFUSALS);
    expect(summary.stage).toBe('awaiting-approval');
    const verifications = ((await handle.fetchHistory()).events ?? []).filter(
      (event) =>
        event.activityTaskScheduledEventAttributes?.activityType?.name === 'verifyCredential',
    );
    // The start's check, and at most one per credential-carrying signal.
    expect(verifications.length).toBeLessThanOrEqual(31);
    // Past the signal cap, signals are no longer checked, but an update still is: the flood wedges nothing.
    for (let i = 0; i < 5; i++) await handle.signal(rejectSignal, { credential: junk.credential });
    const capped = await waitUntil('the capped signals are counted', async () => {
      const now = await handle.query(summaryQuery);
      return now.refusedNotRecorded >= 65 - MAX_RECORDED_REFUSALS ? now : undefined;
    });
    expect(capped.stage).toBe('awaiting-approval');
    expect(await sendDecision(handle, 'approve', alice, 'still works')).toMatchObject({
      isAccepted: true,
      decision: { approvals: 1, approvalsNeeded: 2 },
    });
    await handle.cancel();
  }, 300_000);
});

describe('policies a run cannot loosen, and starts that are not proven', () => {
  test('the file asks for fewer approvals, a longer timeout and self-approval; the policy in force keeps its own', async () => {
    const group = await groupWithPolicy();
    const record = await registry.getPolicy(group);
    const policy = resolvePolicy(
      group,
      record,
      configOf(group, { approvals: 1, timeout: '20d', allowStarterToApprove: true }).approval,
    );
    expect(policy).toMatchObject({
      approvals: 2,
      allowStarterToApprove: false,
      timeoutMs: 2 * 3_600_000,
    });
    expect(policy.notes).toHaveLength(4);
    const tighter = resolvePolicy(
      group,
      record,
      configOf(group, { approvals: 3, timeout: '30m' }).approval,
    );
    expect(tighter).toMatchObject({ approvals: 3, timeoutMs: 30 * 60_000 });
  });

  test('a start credential for another file or another run starts nothing', async () => {
    const config = configOf(`forged-${shortId()}`, { approvers: ['alice'] });
    const runId = `ferry-fault-forged-${shortId()}`;
    const forOtherFile = await issueCredential(carol.issuer, 'carol', {
      action: 'start',
      runId,
      group: config.modelGroup,
      configSha256: configSha256({ ...config, name: 'other' }),
    });
    const forOtherRun = await issueCredential(carol.issuer, 'carol', {
      action: 'start',
      runId: `${runId}-x`,
      group: config.modelGroup,
      configSha256: configSha256(config),
    });
    const failures: string[] = [];
    for (const [suffix, { credential }] of [
      ['a', forOtherFile],
      ['b', forOtherRun],
    ] as const) {
      const workflowId = suffix === 'a' ? runId : `${runId}-b`;
      const handle = harness.client.workflow.getHandle<typeof trainingPipeline>(
        (
          await harness.client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
            taskQueue: harness.taskQueue,
            workflowId,
            args: [{ config, startCredential: credential }],
          })
        ).workflowId,
      );
      const error = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      failures.push(String((error as { cause?: Error })?.cause?.message));
    }
    expect(failures).toEqual([
      expect.stringMatching(
        /start credential was refused: the credential was issued for another pipeline file/,
      ),
      expect.stringMatching(
        /start credential was refused: the credential is for run .*-x, not this run/,
      ),
    ]);
  });

  test('`ferry policy set` refuses a policy that names nobody, and one with an unknown key, changing nothing', () => {
    const group = `forged-${shortId()}`;
    const env = { FERRY_HOME: harness.home, FERRY_API_URL: '' };
    const nobody = runFerry(['policy', 'set', group, writePipeline({ approvals: 1 })], { env });
    expect(nobody.status).toBe(2);
    expect(nobody.stderr).toMatch(/approvers names nobody/);
    const typo = runFerry(
      ['policy', 'set', group, writePipeline({ approvers: ['alice'], quorum: 2 })],
      { env },
    );
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/quorum is not a known key/);
    const shown = runFerry(['policy', 'show', group], { env });
    expect(shown.stdout).toMatch(/has no approval policy/);
  });
});
