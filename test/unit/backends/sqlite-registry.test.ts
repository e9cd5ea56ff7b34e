import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteRegistry } from '../../../src/backends/local/sqlite-registry';
import type { Lineage } from '../../../src/backends/registry';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

function registryFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-registry-')), 'registry.db');
}

function lineage(runId: string, candidateId = 'c01'): Lineage {
  return {
    runId,
    candidateId,
    algorithm: 'xgboost',
    hyperparameters: { eta: 0.1 },
    datasetFingerprint: 'abc',
    configHash: 'def',
    artifactPath: '/models/m',
    artifactSha256: '123',
  };
}

describe('the SQLite model registry', () => {
  test('numbers versions 1..n per group, pending approval, with metrics and lineage', async () => {
    const registry = new SqliteRegistry(registryFile());
    const first = await registry.registerVersion({
      group: 'churn',
      metrics: { roc_auc: 0.81 },
      lineage: lineage('run-a'),
      registeredBy: 'alice',
    });
    const second = await registry.registerVersion({
      group: 'churn',
      metrics: { roc_auc: 0.83 },
      lineage: lineage('run-b'),
      tags: { team: 'growth' },
      registeredBy: 'alice',
    });
    const other = await registry.registerVersion({
      group: 'ames',
      metrics: { rmse: 20000 },
      lineage: lineage('run-c'),
      registeredBy: 'bob',
    });
    expect([first.version, second.version, other.version]).toEqual([1, 2, 1]);
    expect(await registry.listGroups()).toEqual(['ames', 'churn']);
    expect(second).toMatchObject({
      status: 'PendingManualApproval',
      metrics: { roc_auc: 0.83 },
      tags: { team: 'growth' },
      lineage: lineage('run-b'),
    });
    expect(second.statusHistory).toEqual([
      {
        status: 'PendingManualApproval',
        by: 'alice',
        at: expect.any(String) as string,
        reason: 'registered by run run-b',
      },
    ]);
    expect((await registry.listVersions('churn')).map((v) => v.version)).toEqual([1, 2]);
  });

  test('gives the same version back when a run registers the same candidate again', async () => {
    const registry = new SqliteRegistry(registryFile());
    const input = {
      group: 'churn',
      metrics: { roc_auc: 0.81 },
      lineage: lineage('run-a'),
      registeredBy: 'alice',
    };
    const first = await registry.registerVersion(input);
    const again = await registry.registerVersion(input);
    expect(again.version).toBe(first.version);
    expect(await registry.listVersions('churn')).toHaveLength(1);
    expect(again.statusHistory).toHaveLength(1);
  });

  test('records every status change and finds the latest approved version', async () => {
    const registry = new SqliteRegistry(registryFile());
    for (const run of ['a', 'b', 'c'])
      await registry.registerVersion({
        group: 'g',
        metrics: {},
        lineage: lineage(run),
        registeredBy: 'ci',
      });
    await registry.setStatus({
      group: 'g',
      version: 1,
      status: 'Approved',
      by: 'alice',
      reason: 'first',
    });
    await registry.setStatus({
      group: 'g',
      version: 2,
      status: 'Approved',
      by: 'bob',
      reason: 'better',
    });
    const rejected = await registry.setStatus({
      group: 'g',
      version: 3,
      status: 'Rejected',
      by: 'bob',
      reason: 'fails fairness review',
    });
    expect((await registry.latestApproved('g'))?.version).toBe(2);
    expect(
      rejected.statusHistory.map((change) => [change.status, change.by, change.reason]),
    ).toEqual([
      ['PendingManualApproval', 'ci', 'registered by run c'],
      ['Rejected', 'bob', 'fails fairness review'],
    ]);
    expect(await registry.latestApproved('none')).toBeUndefined();
    await expect(
      registry.setStatus({ group: 'g', version: 9, status: 'Approved', by: 'x', reason: 'y' }),
    ).rejects.toThrow(/model g has no version 9/);
  });

  test('10 processes registering into one group at once get versions 1..10, no gap, no duplicate', async () => {
    const file = registryFile();
    new SqliteRegistry(file).close();
    const versions = await Promise.all(
      Array.from(
        { length: 10 },
        (_, i) =>
          new Promise<number>((resolve, reject) => {
            const child = spawn(
              process.execPath,
              [
                '-r',
                'tsx/cjs',
                path.join(PROJECT_ROOT, 'test', 'fixtures', 'register-one.ts'),
                file,
                'shared',
                `run-${i}`,
              ],
              { cwd: PROJECT_ROOT },
            );
            let out = '';
            let err = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
            // 'close', not 'exit': 'exit' can come before the last stdout chunk is read.
            child.on('close', (code) =>
              code === 0 ? resolve(Number(out.trim())) : reject(new Error(err)),
            );
          }),
      ),
    );
    expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const registry = new SqliteRegistry(file);
    expect((await registry.listVersions('shared')).map((v) => v.lineage.runId).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `run-${i}`).sort(),
    );
  });

  test('records each deployment move once, however often it is retried', async () => {
    const registry = new SqliteRegistry(registryFile());
    const version = await registry.registerVersion({
      group: 'churn',
      metrics: {},
      lineage: lineage('run-d'),
      registeredBy: 'carol',
    });
    const move = {
      group: 'churn',
      version: version.version,
      endpoint: 'churn',
      action: 'deployed' as const,
      deploymentId: 'run-d-deploy',
      detail: 'created the endpoint',
    };
    await registry.recordDeployment(move);
    await registry.recordDeployment(move);
    const rolledBack = await registry.recordDeployment({ ...move, action: 'rolled-back' });
    expect(rolledBack.deployments.map((d) => [d.action, d.deploymentId])).toEqual([
      ['deployed', 'run-d-deploy'],
      ['rolled-back', 'run-d-deploy'],
    ]);
    await expect(registry.recordDeployment({ ...move, version: 9 })).rejects.toThrow(
      'model churn has no version 9',
    );
  });

  test('opens a file made before deployments were recorded, and records into it', async () => {
    const file = registryFile();
    const old = new Database(file);
    old.exec(
      'CREATE TABLE deployments (model_group TEXT NOT NULL, version INTEGER NOT NULL, endpoint TEXT NOT NULL, action TEXT NOT NULL, at TEXT NOT NULL, detail TEXT NOT NULL)',
    );
    old.close();
    const registry = new SqliteRegistry(file);
    const version = await registry.registerVersion({
      group: 'old',
      metrics: {},
      lineage: lineage('run-o'),
      registeredBy: 'carol',
    });
    const recorded = await registry.recordDeployment({
      group: 'old',
      version: version.version,
      endpoint: 'old',
      action: 'deployed',
      deploymentId: 'run-o-deploy',
      detail: 'created the endpoint',
    });
    expect(recorded.deployments).toHaveLength(1);
  });
});
