import { randomBytes } from 'node:crypto';
import { openRegistry } from '../../src/backends/compose-backends';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { summaryQuery } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { sendDecision, waitForStage } from '../../src/temporal/run-control';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

describe('runs registering into one group at once', () => {
  test('10 concurrent runs get versions 1..10, no gap, no duplicate', async () => {
    const group = `concurrent-${randomBytes(3).toString('hex')}`;
    const config = pipelineSchema.parse(penguinsOneModel(group));
    const tester = await person(harness.home, 'tester');
    const handles = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        startRunAs(harness.client, tester, {
          taskQueue: harness.taskQueue,
          workflowId: `ferry-concurrent-${group}-${i}`,
          config,
        }),
      ),
    );
    await Promise.all(handles.map((handle) => waitForStage(handle, ['awaiting-approval'])));
    const versions = await Promise.all(
      handles.map(async (handle) => (await handle.query(summaryQuery)).modelVersion?.version),
    );
    expect([...versions].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const stored = await openRegistry('local', harness.home).listVersions(group);
    expect(stored.map((v) => v.lineage.runId).sort()).toEqual(
      handles.map((h) => h.workflowId).sort(),
    );
    // Rejected, not approved: ten deployments to one endpoint are not what this tests.
    const alice = await person(harness.home, 'alice');
    const rejections = await Promise.all(
      handles.map((handle) => sendDecision(handle, 'reject', alice, 'versions only')),
    );
    expect(rejections.map((outcome) => outcome.isAccepted)).toEqual(Array(10).fill(true));
    await Promise.all(handles.map((handle) => handle.result()));
  });
});
