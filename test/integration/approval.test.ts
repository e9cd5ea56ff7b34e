import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { openRegistry } from '../../src/backends/compose-backends';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { findTemporalCli } from '../../src/temporal/temporal-cli';
import {
  approveUpdate,
  rejectUpdate,
  summaryQuery,
  type DecisionRequest,
  type PipelineResult,
} from '../../src/workflows/definitions';
import type { trainingPipeline } from '../../src/workflows/pipeline';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { waitForStage } from '../../src/temporal/run-control';
import { penguinsOneModel } from '../fixtures/pipelines';
import { testServerAddress } from '../fixtures/temporal';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

/** A fast run (one linear model on penguins) that comes to wait for a decision; carol starts it. */
async function waitingRun(
  approval: Record<string, unknown> = {},
): Promise<WorkflowHandle<typeof trainingPipeline>> {
  const group = `approval-${randomBytes(3).toString('hex')}`;
  const config = pipelineSchema.parse(
    penguinsOneModel(group, {
      approval: { approvers: ['alice', 'bob', 'carol'], timeout: '1h', ...approval },
    }),
  );
  const handle = await harness.client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-approval-${randomBytes(4).toString('hex')}`,
    args: [{ config, startedBy: 'carol' }],
  });
  expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
  return handle;
}

async function refusal(
  handle: WorkflowHandle,
  update: typeof approveUpdate,
  request: DecisionRequest,
): Promise<string> {
  try {
    await handle.executeUpdate(update, { args: [request] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return error.cause?.message ?? '';
    throw error;
  }
  throw new Error('the decision was expected to be refused');
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
      '--workflow-id',
      handle.workflowId,
      '--name',
      name,
      '--input',
      input,
      '--address',
      testServerAddress(),
    ],
    { encoding: 'utf8' },
  );
}

describe('approval of a registered model', () => {
  test('an allowed approver approves: the version is Approved, with who and why', async () => {
    const handle = await waitingRun();
    await expect(
      handle.executeUpdate(approveUpdate, {
        args: [{ approver: 'alice', message: 'AUC up 2 points' }],
      }),
    ).resolves.toEqual({ action: 'approve', approver: 'alice' });
    const result = await handle.result();
    expect(result.outcome).toBe('deployed');
    expect(result.modelVersion?.status).toBe('Approved');
    expect((await registryStatus(result))?.[1]).toEqual(['Approved', 'alice', 'AUC up 2 points']);
  });

  test('refuses an unknown approver, the starter, a reject without message, and a second decision; refusals leave no trace', async () => {
    const handle = await waitingRun();
    expect(await refusal(handle, approveUpdate, { approver: 'mallory' })).toMatch(
      /mallory may not decide this run; approvers: alice, bob, carol/,
    );
    expect(await refusal(handle, approveUpdate, { approver: 'carol' })).toMatch(
      /carol started this run and may not decide it/,
    );
    expect(await refusal(handle, rejectUpdate, { approver: 'bob' })).toMatch(
      /a rejection needs a message/,
    );
    expect((await handle.query(summaryQuery)).stage).toBe('awaiting-approval');

    await handle.executeUpdate(rejectUpdate, {
      args: [{ approver: 'bob', message: 'fails fairness review' }],
    });
    expect(await refusal(handle, approveUpdate, { approver: 'alice' })).toMatch(
      /already decided: rejected by bob/,
    );
    const result = await handle.result();
    expect(result.outcome).toBe('rejected');
    expect((await registryStatus(result))?.[1]).toEqual([
      'Rejected',
      'bob',
      'fails fairness review',
    ]);

    const events = (await handle.fetchHistory()).events ?? [];
    const accepted = events.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted).toHaveLength(1);
  });

  test('the starter may decide when the pipeline allows it', async () => {
    const handle = await waitingRun({ allowStarterToApprove: true });
    await handle.executeUpdate(approveUpdate, { args: [{ approver: 'carol' }] });
    expect((await handle.result()).outcome).toBe('deployed');
  });

  test('a signal from the real temporal CLI approves; malformed or refused signals change nothing and are recorded', async () => {
    const handle = await waitingRun();
    expect(signalFromCli(handle, 'approve', '"just text"').status).toBe(0);
    expect(signalFromCli(handle, 'approve', '{"approver": 42}').status).toBe(0);
    expect(signalFromCli(handle, 'approve', '{"approver": "carol"}').status).toBe(0);
    for (let i = 0; i < 50 && (await handle.query(summaryQuery)).decisionTrail.length < 3; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const summary = await handle.query(summaryQuery);
    expect(summary.stage).toBe('awaiting-approval');
    expect(summary.decisionTrail.map((entry) => [entry.via, entry.accepted, entry.reason])).toEqual(
      [
        ['signal', false, expect.stringMatching(/payload must be an object/) as string],
        ['signal', false, expect.stringMatching(/needs "approver"/) as string],
        ['signal', false, expect.stringMatching(/carol started this run/) as string],
      ],
    );

    const sent = signalFromCli(handle, 'approve', '{"approver": "bob", "message": "ship it"}');
    expect(sent.stderr).toBe('');
    const result = await handle.result();
    expect(result.outcome).toBe('deployed');
    expect(result.decisionTrail?.[3]).toMatchObject({
      via: 'signal',
      action: 'approve',
      approver: 'bob',
      message: 'ship it',
      accepted: true,
    });
  });

  test('no decision within the timeout: the run ends as expired and the version is Rejected', async () => {
    // Below the 1-minute floor that pipeline files enforce; schema-only parsing lets a test wait 3 s.
    const handle = await waitingRun({ timeout: '3s' });
    const result = await handle.result();
    expect(result.outcome).toBe('expired');
    expect(result.modelVersion?.status).toBe('Rejected');
    expect((await registryStatus(result))?.[1]).toEqual(['Rejected', 'ferry', 'approval expired']);
    expect(result.decisionTrail?.map((entry) => [entry.via, entry.action])).toEqual([
      ['timeout', 'expire'],
    ]);
  });
});
