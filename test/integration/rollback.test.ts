import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { openRegistry } from '../../src/backends/compose-backends';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { approveWhenWaiting, sendDecision, waitForStage } from '../../src/temporal/run-control';
import type { PipelineResult } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';
import { PENGUIN_ROWS_CSV } from '../fixtures/trained-model';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

// No request to a Python replica through the router comes back within 1 ms.
const IMPOSSIBLE_SLO = { latencyP99Ms: 1, maxErrorRate: 0 };

/** An approved one-model penguins run into `group`, load-tested against `slo`. */
async function approvedRun(group: string, slo = { latencyP99Ms: 3000 }): Promise<PipelineResult> {
  const config = pipelineSchema.parse(
    penguinsOneModel(group, {
      loadTest: { phases: [{ durationSeconds: 2, ratePerSecond: 5 }], slo },
    }),
  );
  const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-rollback-${randomBytes(4).toString('hex')}`,
    config,
  });
  return approveWhenWaiting(handle, await person(harness.home, 'alice'), 'ship it');
}

describe('a load test that breaks the SLO', () => {
  test('puts the endpoint back on the previous version, which still serves', async () => {
    const group = `rollback-${randomBytes(3).toString('hex')}`;
    const first = await approvedRun(group);
    expect(first.outcome).toBe('deployed');

    const second = await approvedRun(group, IMPOSSIBLE_SLO);
    expect(second.outcome).toBe('rolled-back');
    expect(second.reason).toMatch(/^SLO violated: p99 latency [\d.]+ ms is over the SLO's 1 ms/);
    expect(second.release?.rollback).toMatchObject({
      action: 'restored',
      restored: { group, version: 1 },
    });
    expect(second.modelVersion).toMatchObject({ version: 2, status: 'Rejected' });

    const endpoint = await new LocalHostingClient(harness.home).describe(group);
    expect(endpoint?.current?.model.version).toBe(1);
    const answer = await fetch(`${endpoint?.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: PENGUIN_ROWS_CSV,
    });
    expect(answer.status).toBe(200);

    const registry = openRegistry('local', harness.home);
    const failed = await registry.getVersion(group, 2);
    expect(failed?.deployments.map((d) => d.action)).toEqual(['deployed', 'rolled-back']);
    expect(failed?.statusHistory.at(-1)).toMatchObject({ status: 'Rejected', by: 'ferry' });
    const restored = await registry.getVersion(group, 1);
    expect(restored?.status).toBe('Approved');
    expect(restored?.deployments.map((d) => d.action)).toEqual(['deployed', 'restored']);
  }, 180_000);

  test('removes a first deployment, leaving no endpoint behind', async () => {
    const group = `rollback-${randomBytes(3).toString('hex')}`;
    const result = await approvedRun(group, IMPOSSIBLE_SLO);
    expect(result.outcome).toBe('rolled-back');
    expect(result.release?.rollback?.action).toBe('removed');
    expect(await new LocalHostingClient(harness.home).describe(group)).toBeUndefined();
    const version = await openRegistry('local', harness.home).getVersion(group, 1);
    expect(version?.deployments.map((d) => d.action)).toEqual(['deployed', 'removed']);
  }, 120_000);

  test('a run cancelled during its load test takes its deployment down with it', async () => {
    const group = `cancelled-${randomBytes(3).toString('hex')}`;
    const config = pipelineSchema.parse(
      penguinsOneModel(group, {
        loadTest: {
          phases: [{ durationSeconds: 60, ratePerSecond: 5 }],
          slo: { latencyP99Ms: 3000 },
        },
      }),
    );
    const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
      taskQueue: harness.taskQueue,
      workflowId: `ferry-cancel-release-${randomBytes(4).toString('hex')}`,
      config,
    });
    await waitForStage(handle, ['awaiting-approval']);
    await approveAsAlice(handle);
    await waitForStage(handle, ['load-testing']);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await new LocalHostingClient(harness.home).describe(group)).toBeUndefined();
    const version = await openRegistry('local', harness.home).getVersion(group, 1);
    expect(version?.deployments.map((d) => d.action)).toEqual(['deployed', 'removed']);
    expect(version?.deployments.at(-1)?.detail).toMatch(/the release was cancelled/);
  }, 120_000);

  test('a version whose replicas cannot start fails the run and leaves no endpoint behind', async () => {
    const group = `broken-${randomBytes(3).toString('hex')}`;
    const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
      taskQueue: harness.taskQueue,
      workflowId: `ferry-broken-${randomBytes(4).toString('hex')}`,
      config: pipelineSchema.parse(penguinsOneModel(group)),
    });
    await waitForStage(handle, ['awaiting-approval']);
    // A real fault, no mock: the registered model's file disappears before it is deployed.
    const version = await openRegistry('local', harness.home).getVersion(group, 1);
    const modelFile = path.join(version?.lineage.artifactPath ?? '', 'model.joblib');
    rmSync(modelFile);
    await approveAsAlice(handle);

    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(rootCause(failure as Error)).toMatch(
      /endpoint broken-\w+: the new version did not start: .*model\.joblib/s,
    );
    expect(await new LocalHostingClient(harness.home).describe(group)).toBeUndefined();
  }, 120_000);
});

async function approveAsAlice(handle: WorkflowHandle): Promise<void> {
  const outcome = await sendDecision(handle, 'approve', await person(harness.home, 'alice'), 'go');
  expect(outcome).toMatchObject({ isAccepted: true });
}

function rootCause(error: Error): string {
  let current = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
