import type { EndpointDescription } from '../../src/backends/hosting';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { isProcessAlive } from '../../src/shared/process-group';
import { waitForStage } from '../../src/temporal/run-control';
import type { PipelineResult } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { penguinsOneModel } from '../fixtures/pipelines';
import { cleanUpHome, shortId, waitUntil } from './fault-kit';
import { decideAsAlice, startRun, waitForRunningActivity } from './run-probe';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
  expect(await cleanUpHome(harness.home)).toEqual([]);
});

const RATE_PER_SECOND = 20;
const ready = (e: EndpointDescription) => e.replicas.filter((r) => r.state === 'ready');

describe('a replica killed under the run’s own load test', () => {
  test('only requests in flight on it may fail, the run deploys, and the endpoint is back to its desired replicas', async () => {
    const group = `replica-${shortId()}`;
    const config = pipelineSchema.parse(
      penguinsOneModel(group, {
        approval: { approvers: ['alice'], timeout: '1h' },
        // Two fixed replicas: the autoscaler's only reason to start one is the one killed.
        endpoint: { minReplicas: 2, maxReplicas: 2 },
        loadTest: {
          arrival: 'constant',
          phases: [{ durationSeconds: 8, ratePerSecond: RATE_PER_SECOND }],
          slo: { latencyP99Ms: 5000, maxErrorRate: 0.05 },
        },
      }),
    );
    const handle = await startRun(
      harness.client,
      harness,
      `ferry-fault-replica-${shortId()}`,
      config,
    );
    expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
    await decideAsAlice(handle, harness.home, 'approve', 'go');

    // Under load: the load test has reported progress, so requests are flowing.
    await waitForRunningActivity(handle, 'loadTestEndpoint', { needsHeartbeat: true });
    const hosting = new LocalHostingClient(harness.home);
    const before = await hosting.describe(group);
    expect(before && ready(before)).toHaveLength(2);
    const victim = before?.replicas[0];
    if (!victim) throw new Error('no replica to kill');
    // What the router had in flight on it just before the kill: the most that may fail.
    const inFlight = victim.outstanding;
    process.kill(victim.pid, 'SIGKILL');

    const result: PipelineResult = await handle.result();
    expect(result.outcome).toBe('deployed');
    const load = result.release?.loadTest?.result;
    expect(load?.ok).toBeGreaterThan(RATE_PER_SECOND * 4);
    expect(load?.errors).toBeLessThanOrEqual(inFlight);

    const healed = await waitUntil('the endpoint is back to 2 ready replicas', async () => {
      const now = await hosting.describe(group);
      return now && now.desiredReplicas === 2 && ready(now).length === 2 ? now : undefined;
    });
    expect(ready(healed).map((r) => r.pid)).not.toContain(victim.pid);
    expect(isProcessAlive(victim.pid)).toBe(false);
    const log = await hosting.scalingActivities(group);
    expect(log.map((a) => a.cause)).toContainEqual(
      expect.stringMatching(/exited \(signal SIGKILL\); replacing it/),
    );
  }, 240_000);
});
