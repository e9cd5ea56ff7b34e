import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRegistry } from '../../../src/backends/local/sqlite-registry';
import { EndpointBusy, HostingError, type Hosting } from '../../../src/backends/hosting';
import { applyRepairs } from '../../../src/activities/reconcile-repairs';
import type { Repair } from '../../../src/workflows/reconcile-definitions';

async function registryWithApprovedVersion(): Promise<SqliteRegistry> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-reconcile-')), 'registry.db');
  const registry = new SqliteRegistry(file);
  await registry.registerVersion({
    group: 'churn',
    metrics: { roc_auc: 0.8 },
    lineage: {
      runId: 'r1',
      candidateId: 'c01',
      algorithm: 'linear',
      hyperparameters: {},
      datasetFingerprint: 'f',
      configHash: 'h',
      artifactPath: '/m',
      artifactSha256: 's',
    },
    registeredBy: 'carol',
  });
  await registry.setStatus({
    group: 'churn',
    version: 1,
    status: 'Approved',
    by: 'alice',
    reason: 'ok',
  });
  return registry;
}

/**
 * A stand-in whose rollback fails as `error`: a backend refusing a rollback
 * for good cannot be produced on the local host, whose rollbacks succeed.
 */
function hostingFailingWith(error: Error): Hosting {
  return { rollback: () => Promise.reject(error) } as unknown as Hosting;
}

const model = { group: 'churn', version: 1 };
const REPAIRS: Repair[] = [
  { action: 'roll-back', endpoint: 'churn', deploymentId: 'r1-deploy', model, reason: 'r1 ended' },
  { action: 'reject', model, wasStatus: 'Approved', reason: 'run r1 was terminated' },
];

describe('applying reconcile repairs', () => {
  test('reports a refused rollback and leaves its version as it was, for the next reconcile', async () => {
    const registry = await registryWithApprovedVersion();
    const hosting = hostingFailingWith(new HostingError('endpoint churn: cannot roll back'));
    const outcomes = await applyRepairs({ registry, hosting }, REPAIRS);
    expect(outcomes).toEqual([
      { repair: REPAIRS[0], error: 'endpoint churn: cannot roll back' },
      { repair: REPAIRS[1], error: 'not rejected, since its endpoint was not rolled back' },
    ]);
    expect((await registry.getVersion('churn', 1))?.status).toBe('Approved');
  });

  test('fails on an error a retry may mend, so the activity is retried', async () => {
    const registry = await registryWithApprovedVersion();
    const hosting = hostingFailingWith(new EndpointBusy('endpoint churn is Updating'));
    await expect(applyRepairs({ registry, hosting }, REPAIRS)).rejects.toThrow(EndpointBusy);
    expect((await registry.getVersion('churn', 1))?.status).toBe('Approved');
  });

  test('rejects a version once, by ferry reconcile, however often it is asked', async () => {
    const registry = await registryWithApprovedVersion();
    const hosting = hostingFailingWith(new Error('not called'));
    const reject = REPAIRS.slice(1);
    expect(await applyRepairs({ registry, hosting }, reject)).toEqual([
      { repair: reject[0], done: 'set Rejected' },
    ]);
    expect(await applyRepairs({ registry, hosting }, reject)).toEqual([
      { repair: reject[0], done: 'already Rejected' },
    ]);
    const version = await registry.getVersion('churn', 1);
    expect(version?.statusHistory.map((s) => [s.status, s.by])).toEqual([
      ['PendingManualApproval', 'carol'],
      ['Approved', 'alice'],
      ['Rejected', 'ferry reconcile'],
    ]);
  });
});
