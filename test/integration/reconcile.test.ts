import { releaseWorkflowIdOf } from '../../src/workflows/release-definitions';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createAwsClients } from '../../src/backends/sagemaker/aws-clients';
import { SageMakerRegistry } from '../../src/backends/sagemaker/sagemaker-registry';
import type { SageMakerSettings } from '../../src/backends/sagemaker-settings';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { openRegistry } from '../../src/backends/compose-backends';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { sendDecision, waitForStage } from '../../src/temporal/run-control';
import { ensureReconcileSchedule } from '../../src/temporal/reconcile-schedule';
import { reconcileWorkflowIdOf } from '../../src/workflows/reconcile-definitions';
import { runFerryAsync } from '../fixtures/ferry-cli';
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

/** `ferry reconcile` as a user runs it, against the harness's worker (which does the repairs). */
async function reconcile(...args: string[]) {
  const result = await runFerryAsync(['reconcile', ...args], {
    env: { FERRY_TASK_QUEUE: harness.taskQueue, FERRY_HOME: harness.home },
  });
  expect(result).toMatchObject({ status: 0, stderr: '' });
  return result.stdout.trim().split('\n');
}

describe('ferry reconcile', () => {
  test('repairs a run terminated mid-release: the endpoint goes, the version is Rejected, and a second reconcile changes nothing', async () => {
    const group = `reconcile-${randomBytes(3).toString('hex')}`;
    const runId = `ferry-reconcile-test-${randomBytes(4).toString('hex')}`;
    const config = pipelineSchema.parse(
      penguinsOneModel(group, {
        // Long enough to be terminated in the middle of it.
        loadTest: {
          phases: [{ durationSeconds: 60, ratePerSecond: 2 }],
          slo: { latencyP99Ms: 3000 },
        },
      }),
    );
    const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
      taskQueue: harness.taskQueue,
      workflowId: runId,
      config,
    });
    await waitForStage(handle, ['awaiting-approval']);
    // A version waiting for its open run's decision is not reconcile's business.
    expect(await reconcile()).toEqual(['nothing to repair (1 version and 0 endpoints checked)']);

    const approval = await sendDecision(handle, 'approve', await person(harness.home, 'alice'));
    expect(approval).toMatchObject({ isAccepted: true });
    await waitForStage(handle, ['load-testing']);
    // A crash nobody compensates for: the run's release workflow (which would
    // compensate a terminated run) is terminated first, then the run, so
    // neither has a chance to roll back.
    await harness.client.workflow
      .getHandle(releaseWorkflowIdOf(undefined, group))
      .terminate('the test stands in for an operator ending a stuck release');
    await handle.terminate('the test stands in for an operator ending a stuck run');

    const hosting = new LocalHostingClient(harness.home);
    const registry = openRegistry('local', harness.home);
    expect((await hosting.describe(group))?.current?.deploymentId).toBe(`${runId}-deploy`);
    expect((await registry.getVersion(group, 1))?.status).toBe('Approved');

    const planned = await reconcile('--dry-run');
    expect(planned).toEqual([
      `would roll back endpoint ${group} off ${group} v1 (deployment ${runId}-deploy): it still serves ${group} v1, though run ${runId} was terminated`,
      `would reject ${group} v1 (was Approved): run ${runId} was terminated, leaving it Approved`,
    ]);
    expect((await hosting.describe(group))?.current?.model.version).toBe(1);
    expect((await registry.getVersion(group, 1))?.status).toBe('Approved');

    expect(await reconcile()).toEqual([
      `rolled back endpoint ${group} off ${group} v1 (deployment ${runId}-deploy), removed the endpoint: it still serves ${group} v1, though run ${runId} was terminated`,
      `rejected ${group} v1 (was Approved): run ${runId} was terminated, leaving it Approved`,
    ]);
    expect(await hosting.describe(group)).toBeUndefined();
    const repaired = await registry.getVersion(group, 1);
    expect(repaired?.status).toBe('Rejected');
    expect(repaired?.statusHistory.at(-1)).toMatchObject({
      status: 'Rejected',
      by: 'ferry reconcile',
      reason: `run ${runId} was terminated, leaving it Approved`,
    });
    expect(repaired?.deployments.map((d) => [d.action, d.deploymentId])).toEqual([
      ['deployed', `${runId}-deploy`],
      ['removed', `${runId}-deploy`],
    ]);
    expect(repaired?.deployments.at(-1)?.detail).toMatch(/^ferry reconcile: it still serves/);

    expect(await reconcile()).toEqual(['nothing to repair (1 version and 0 endpoints checked)']);
    expect((await registry.getVersion(group, 1))?.statusHistory).toHaveLength(
      repaired?.statusHistory.length ?? -1,
    );
  }, 150_000);

  test('plans on the SageMaker backend (moto) from a region alone', async () => {
    const suffix = randomBytes(4).toString('hex');
    const settings: SageMakerSettings = {
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
      bucket: `ferry-reconcile-${suffix}`,
      prefix: 'ferry',
      trainingInstanceType: 'ml.m5.large',
      endpointInstanceType: 'ml.m5.large',
      images: {},
    };
    const clients = createAwsClients(settings.region);
    await clients.s3.send(new CreateBucketCommand({ Bucket: settings.bucket }));
    // A run that is terminated before any worker sees it (no worker polls its queue).
    const runId = `ferry-reconcile-sm-${suffix}`;
    const run = await harness.client.workflow.start('trainingPipeline', {
      taskQueue: `nobody-polls-${suffix}`,
      workflowId: runId,
      args: [],
    });
    await run.terminate('never meant to run');
    const group = `reconcile-sm-${suffix}`;
    const registry = new SageMakerRegistry(clients, settings);
    await registry.registerVersion({
      group,
      metrics: { accuracy: 0.9 },
      lineage: {
        runId,
        candidateId: 'c01',
        algorithm: 'linear',
        hyperparameters: {},
        datasetFingerprint: 'sha256:abc',
        configHash: 'def',
        artifactPath: `s3://${settings.bucket}/ferry/runs/${runId}/model.tar.gz`,
        artifactSha256: '0'.repeat(64),
      },
      registeredBy: 'carol',
    });

    // A dry run: moto is shared with other test files, whose versions are theirs to keep.
    const lines = await reconcile('--dry-run', '--backend', 'sagemaker', '--region', 'us-east-1');
    expect(lines).toContain(
      `would reject ${group} v1 (was PendingManualApproval): run ${runId} was terminated, leaving it PendingManualApproval`,
    );
    expect((await registry.getVersion(group, 1))?.status).toBe('PendingManualApproval');
  });

  test('its schedule is created once and updated after, skipping overlaps', async () => {
    const taskQueue = `${harness.taskQueue}-schedule`;
    const choice = { backend: 'local' as const };
    expect(await ensureReconcileSchedule(harness.client, { taskQueue, choice })).toBe(true);
    const everyMs = 5 * 60_000;
    expect(await ensureReconcileSchedule(harness.client, { taskQueue, choice, everyMs })).toBe(
      false,
    );
    const schedule = harness.client.schedule.getHandle(reconcileWorkflowIdOf(taskQueue));
    try {
      const described = await schedule.describe();
      expect(described.spec.intervals).toEqual([expect.objectContaining({ every: everyMs })]);
      expect(described.policies.overlap).toBe('SKIP');
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'reconcileWorkflow',
        taskQueue,
        args: [choice],
      });
    } finally {
      await schedule.delete();
    }
  });
});
