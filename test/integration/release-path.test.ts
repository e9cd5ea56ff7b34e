import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { openRegistry } from '../../src/backends/compose-backends';
import { reportDir } from '../../src/activities/write-report';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { FERRY_STAGE } from '../../src/temporal/search-attributes';
import { sendDecision, waitForStage } from '../../src/temporal/run-control';
import { summaryQuery, type PipelineResult } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

/** A one-model penguins run into `group`, load-tested for `seconds`, started by carol. */
async function startRun(group: string, seconds = 2): Promise<WorkflowHandle> {
  const config = pipelineSchema.parse(
    penguinsOneModel(group, {
      loadTest: {
        phases: [{ durationSeconds: seconds, ratePerSecond: 5 }],
        slo: { latencyP99Ms: 3000 },
      },
    }),
  );
  return startRunAs(harness.client, await person(harness.home, 'carol'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-release-path-${randomBytes(4).toString('hex')}`,
    config,
  });
}

async function approveAsAlice(handle: WorkflowHandle): Promise<void> {
  await waitForStage(handle, ['awaiting-approval']);
  const outcome = await sendDecision(handle, 'approve', await person(harness.home, 'alice'), 'ok');
  expect(outcome.isAccepted).toBe(true);
}

async function failureOf(handle: WorkflowHandle): Promise<unknown> {
  return handle.result().then(
    () => undefined,
    (error: unknown) => error,
  );
}

function reportOf(runId: string): { outcome: string; headline: string } {
  const file = path.join(reportDir(harness.home, runId), 'report.json');
  return JSON.parse(readFileSync(file, 'utf8')) as { outcome: string; headline: string };
}

async function finalStage(handle: WorkflowHandle): Promise<unknown> {
  return (await handle.describe()).typedSearchAttributes.get(FERRY_STAGE);
}

describe('the release path', () => {
  test('two runs racing for one endpoint take turns, each load-testing its own version', async () => {
    const group = `race-${randomBytes(3).toString('hex')}`;
    const first = await startRun(group, 6);
    const second = await startRun(group);
    await approveAsAlice(first);
    await waitForStage(first, ['load-testing']);
    await approveAsAlice(second);

    await waitForStage(second, ['waiting-for-endpoint']);
    const waiting = await second.query(summaryQuery);
    expect(waiting.release?.waitingFor).toMatchObject({
      endpoint: group,
      holder: `run ${first.workflowId}`,
    });

    const [a, b] = (await Promise.all([first.result(), second.result()])) as PipelineResult[];
    expect([a?.outcome, b?.outcome]).toEqual(['deployed', 'deployed']);
    // The second deployment began only after the first run's load test had ended.
    const firstLoadTestEnd = a?.steps.find((s) => s.step === 'loadTest')?.endedAt ?? '';
    expect(b?.release?.deployment?.deployedAt.localeCompare(firstLoadTestEnd)).toBeGreaterThan(0);
    expect(b?.release?.deployment?.previous).toEqual({ group, version: a?.modelVersion?.version });
    const registry = openRegistry('local', harness.home);
    for (const result of [a, b]) {
      const version = await registry.getVersion(group, result?.modelVersion?.version ?? 0);
      expect(version?.status).toBe('Approved');
      expect(version?.deployments.map((d) => d.action)).toEqual(['deployed']);
    }
    const endpoint = await new LocalHostingClient(harness.home).describe(group);
    expect(endpoint?.current?.model.version).toBe(b?.modelVersion?.version);
  }, 180_000);

  test('a run cancelled while it waits for a decision rejects its version and writes its report', async () => {
    const group = `cancel-wait-${randomBytes(3).toString('hex')}`;
    const handle = await startRun(group);
    await waitForStage(handle, ['awaiting-approval']);
    await handle.cancel();
    expect(await failureOf(handle)).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await finalStage(handle)).toBe('cancelled');

    const version = await openRegistry('local', harness.home).getVersion(group, 1);
    expect(version?.status).toBe('Rejected');
    expect(version?.statusHistory.at(-1)).toMatchObject({
      by: 'ferry',
      reason: 'the run was cancelled while it waited for a decision',
    });
    const report = reportOf(handle.workflowId);
    expect(report.outcome).toBe('cancelled');
    expect(report.headline).toMatch(/^Cancelled: the run was cancelled; .* v1 is Rejected$/);
  }, 120_000);

  test('after a failed release the endpoint and the champion stay on the previous version', async () => {
    const group = `failed-release-${randomBytes(3).toString('hex')}`;
    const first = await startRun(group);
    await approveAsAlice(first);
    expect(((await first.result()) as PipelineResult).outcome).toBe('deployed');

    const second = await startRun(group);
    await waitForStage(second, ['awaiting-approval']);
    // A real fault, no mock: the registered model's file disappears before it is deployed.
    const registry = openRegistry('local', harness.home);
    const doomed = await registry.getVersion(group, 2);
    rmSync(path.join(doomed?.lineage.artifactPath ?? '', 'model.joblib'));
    await approveAsAlice(second);
    expect(await failureOf(second)).toBeInstanceOf(WorkflowFailedError);
    expect(await finalStage(second)).toBe('failed');

    const failed = await registry.getVersion(group, 2);
    expect(failed?.status).toBe('Rejected');
    expect(failed?.statusHistory.at(-1)?.reason).toMatch(
      /^the release failed: endpoint .*: the new version did not start: .*model\.joblib/s,
    );
    expect((await registry.latestApproved(group))?.version).toBe(1);
    const endpoint = await new LocalHostingClient(harness.home).describe(group);
    expect(endpoint?.current?.model.version).toBe(1);
    const report = reportOf(second.workflowId);
    expect(report.outcome).toBe('failed');
    expect(report.headline).toMatch(
      /^Failed: the run failed: the release failed: .* v2 is Rejected$/s,
    );
  }, 180_000);
});
