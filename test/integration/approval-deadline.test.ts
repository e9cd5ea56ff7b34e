import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { issueCredential, type Signer } from '../../src/identity/credential-issuer';
import { startLocalWorker, type LocalWorker } from '../../src/temporal/local-worker';
import { findTemporalCli } from '../../src/temporal/temporal-cli';
import { installWorkerLogging } from '../../src/temporal/worker-logging';
import { waitForStage } from '../../src/temporal/run-control';
import { summaryQuery, type PipelineResult } from '../../src/workflows/definitions';
import { stopHost } from '../../src/backends/local/hosting/ensure-host';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';
import { testServerAddress } from '../fixtures/temporal';

// Two runs wait with a 12 s approval timeout while their worker is down, so
// that a decision and the timer firing reach the workflow in one task: what
// counts is whether the person decided before the deadline.
const TIMEOUT_S = 12;
const home = mkdtempSync(path.join(os.tmpdir(), 'ferry-deadline-'));
const taskQueue = `ferry-deadline-${randomBytes(4).toString('hex')}`;
let worker: LocalWorker;

const startWorker = () =>
  startLocalWorker({
    address: testServerAddress(),
    taskQueue,
    home,
    isHostTiedToWorker: true,
    identityEnv: {},
  });

beforeAll(async () => {
  installWorkerLogging({ FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? 'ERROR' });
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
  await stopHost(home);
});

async function waitingRun(starter: Signer) {
  const config = pipelineSchema.parse(
    penguinsOneModel(`deadline-${randomBytes(3).toString('hex')}`, {
      approval: { approvers: ['bob'], timeout: `${TIMEOUT_S}s` },
    }),
  );
  const handle = await startRunAs(worker.client, starter, {
    taskQueue,
    workflowId: `ferry-deadline-${randomBytes(4).toString('hex')}`,
    config,
  });
  expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
  const { modelVersion } = await handle.query(summaryQuery);
  const waitingSince = Date.now();
  return { handle, model: modelVersion ?? { group: '', version: 0 }, waitingSince };
}

/** A credential made now, and sent as a signal with the real temporal CLI (no worker needed). */
async function signalApproval(
  handle: WorkflowHandle,
  bob: Signer,
  model: { group: string; version: number },
) {
  const { credential } = await issueCredential(bob.issuer, 'bob', {
    action: 'approve',
    runId: handle.workflowId,
    group: model.group,
    version: model.version,
    message: 'in time?',
  });
  const sent = spawnSync(
    findTemporalCli(),
    [
      'workflow',
      'signal',
      ...['--workflow-id', handle.workflowId, '--name', 'approve'],
      ...['--input', JSON.stringify({ credential }), '--address', testServerAddress()],
    ],
    { encoding: 'utf8' },
  );
  expect(sent.stderr).toBe('');
}

/** The event types from the signal on, up to the workflow task that handled it. */
async function eventsAfterSignal(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const names = events.map(
    (event) => Object.keys(event).find((key) => key.endsWith('EventAttributes')) ?? '',
  );
  const from = names.indexOf('workflowExecutionSignaledEventAttributes');
  const to = names.indexOf('workflowTaskCompletedEventAttributes', from);
  return names.slice(from, to + 1).map((name) => name.replace('EventAttributes', ''));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a decision made before the deadline wins though the timer fires in the same workflow task; one made after it is refused', async () => {
  const carol = await person(home, 'carol');
  const bob = await person(home, 'bob');
  const early = await waitingRun(carol);
  const late = await waitingRun(carol);
  await worker.stop();

  await signalApproval(early.handle, bob, early.model);
  await sleep(late.waitingSince + TIMEOUT_S * 1000 + 3_000 - Date.now());
  await signalApproval(late.handle, bob, late.model);
  worker = await startWorker();
  // The old handles went with the old worker's connection.
  const earlyHandle = worker.client.workflow.getHandle(early.handle.workflowId);
  const lateHandle = worker.client.workflow.getHandle(late.handle.workflowId);

  const [earlyResult, lateResult] = (await Promise.all([
    earlyHandle.result(),
    lateHandle.result(),
  ])) as [PipelineResult, PipelineResult];
  // The signal and the fired timer were handled by one workflow task.
  const handled = await eventsAfterSignal(earlyHandle);
  expect(handled).toContain('timerFired');
  expect(handled.filter((name) => name === 'workflowTaskStarted')).toHaveLength(1);
  expect(earlyResult.outcome).toBe('deployed');
  expect(earlyResult.decisionTrail?.[0]).toMatchObject({ subject: 'bob', accepted: true });

  expect(lateResult.outcome).toBe('expired');
  expect(lateResult.decisionTrail?.find((entry) => entry.subject === 'bob')).toMatchObject({
    accepted: false,
    reason: expect.stringMatching(
      /^the decision was made at .*, after the approval deadline/,
    ) as string,
  });
}, 240_000);
