import type { DeployedVersion } from '../../../src/backends/hosting';
import type { ApprovalStatus } from '../../../src/backends/registry';
import {
  planRepairs,
  type ReconcileFacts,
  type RunState,
} from '../../../src/reconcile/reconcile-plan';
import { deploymentIdOf } from '../../../src/workflows/release-definitions';

const GROUP = 'churn';

function version(n: number, status: ApprovalStatus, runId: string) {
  return {
    group: GROUP,
    version: n,
    status,
    lineage: {
      runId,
      candidateId: 'c01',
      algorithm: 'linear',
      hyperparameters: {},
      datasetFingerprint: 'f',
      configHash: 'h',
      artifactPath: '/m',
      artifactSha256: 's',
    },
  };
}

function deployed(n: number, deploymentId: string): DeployedVersion {
  return {
    deploymentId,
    model: { group: GROUP, version: n, algorithm: 'linear', modelDir: '/m' },
    since: '2026-12-04T00:00:00Z',
  };
}

const TERMINATED: RunState = { state: 'closed', ending: 'terminated' };
const DEPLOYED: RunState = { state: 'closed', ending: 'completed', outcome: 'deployed' };

function facts(partial: Partial<ReconcileFacts>): ReconcileFacts {
  return {
    versions: [],
    endpoints: [],
    runs: new Map(),
    heldEndpoints: new Set(),
    ...partial,
  };
}

/** The champion v1 (run r1, deployed) on endpoint `churn`, replaced by v2 of run r2 (current). */
function championThenNewRun(v2Status: ApprovalStatus, r2: RunState): ReconcileFacts {
  return facts({
    versions: [version(1, 'Approved', 'r1'), version(2, v2Status, 'r2')],
    endpoints: [
      // What it replaced (v1) is the host's to restore; the plan needs only what is current.
      { name: 'churn', current: deployed(2, deploymentIdOf('r2')) },
    ],
    runs: new Map<string, RunState>([
      ['r1', DEPLOYED],
      ['r2', r2],
    ]),
  });
}

describe('planRepairs', () => {
  test('repairs nothing when the champion is served and every run deployed or is running', () => {
    const plan = planRepairs(
      facts({
        versions: [
          version(1, 'Approved', 'r1'),
          version(2, 'Rejected', 'r2'),
          version(3, 'PendingManualApproval', 'r3'),
        ],
        endpoints: [{ name: 'churn', current: deployed(1, deploymentIdOf('r1')) }],
        runs: new Map<string, RunState>([
          ['r1', DEPLOYED],
          ['r2', { state: 'closed', ending: 'completed', outcome: 'rolled-back' }],
          ['r3', { state: 'open' }],
        ]),
      }),
    );
    expect(plan).toEqual({ repairs: [], leftAlone: [] });
  });

  test('rolls back and rejects an approved version whose run was terminated while it served', () => {
    const plan = planRepairs(championThenNewRun('Approved', TERMINATED));
    expect(plan.repairs).toEqual([
      {
        action: 'roll-back',
        endpoint: 'churn',
        deploymentId: 'r2-deploy',
        model: { group: GROUP, version: 2 },
        reason: 'it still serves churn v2, though run r2 was terminated',
      },
      {
        action: 'reject',
        model: { group: GROUP, version: 2 },
        wasStatus: 'Approved',
        reason: 'run r2 was terminated, leaving it Approved',
      },
    ]);
    expect(plan.leftAlone).toEqual([]);
  });

  test('rolls back a pending deployment of a timed-out run, and only under that run’s deployment id', () => {
    const plan = planRepairs(
      facts({
        versions: [version(1, 'Approved', 'r1'), version(2, 'Approved', 'r2')],
        endpoints: [
          {
            name: 'churn',
            current: deployed(1, deploymentIdOf('r1')),
            pending: deployed(2, deploymentIdOf('r2')),
          },
          // Another endpoint serves v2 under someone else's deployment: not this run's to undo.
          { name: 'churn-copy', current: deployed(2, 'manual-release') },
        ],
        runs: new Map<string, RunState>([
          ['r1', DEPLOYED],
          ['r2', { state: 'closed', ending: 'timed_out' }],
        ]),
      }),
    );
    expect(
      plan.repairs.map((r) => [r.action, 'endpoint' in r ? r.endpoint : '', r.reason]),
    ).toEqual([
      ['roll-back', 'churn', 'it still serves churn v2, though run r2 timed out'],
      ['reject', '', 'run r2 timed out, leaving it Approved'],
    ]);
  });

  test('rejects a version left waiting for approval by a cancelled run, with nothing to roll back', () => {
    const plan = planRepairs(
      facts({
        versions: [version(1, 'PendingManualApproval', 'r1')],
        runs: new Map<string, RunState>([['r1', { state: 'closed', ending: 'cancelled' }]]),
      }),
    );
    expect(plan.repairs).toEqual([
      {
        action: 'reject',
        model: { group: GROUP, version: 1 },
        wasStatus: 'PendingManualApproval',
        reason: 'run r1 was cancelled, leaving it PendingManualApproval',
      },
    ]);
  });

  test('rejects an approved version whose run completed without deploying it', () => {
    const plan = planRepairs(
      facts({
        versions: [version(1, 'Approved', 'r1')],
        runs: new Map<string, RunState>([
          ['r1', { state: 'closed', ending: 'completed', outcome: 'rolled-back' }],
        ]),
      }),
    );
    expect(plan.repairs).toEqual([
      expect.objectContaining({
        action: 'reject',
        reason: 'run r1 completed with outcome rolled-back, leaving it Approved',
      }),
    ]);
  });

  test('rolls back an endpoint that still serves a rejected version', () => {
    const plan = planRepairs(championThenNewRun('Rejected', TERMINATED));
    expect(plan.repairs).toEqual([
      {
        action: 'roll-back',
        endpoint: 'churn',
        deploymentId: 'r2-deploy',
        model: { group: GROUP, version: 2 },
        reason: 'it serves churn v2, which is Rejected',
      },
    ]);
  });

  test('leaves alone a version whose run is still open, even one already rejected and served', () => {
    expect(planRepairs(championThenNewRun('Approved', { state: 'open' }))).toEqual({
      repairs: [],
      leftAlone: [],
    });
    expect(planRepairs(championThenNewRun('Rejected', { state: 'open' })).repairs).toEqual([]);
  });

  test('leaves alone an endpoint whose release workflow is open, and says so', () => {
    for (const status of ['Approved', 'Rejected'] as const) {
      const plan = planRepairs({
        ...championThenNewRun(status, TERMINATED),
        heldEndpoints: new Set(['churn']),
      });
      expect(plan.repairs).toEqual([]);
      expect(plan.leftAlone).toEqual([
        expect.objectContaining({
          reason: expect.stringMatching(/release workflow of endpoint churn is open/) as string,
        }),
      ]);
    }
  });

  test('leaves alone and reports a version whose run Temporal cannot find', () => {
    const plan = planRepairs(
      facts({
        versions: [version(1, 'Approved', 'gone'), version(2, 'Rejected', 'gone-too')],
        endpoints: [{ name: 'churn', current: deployed(1, deploymentIdOf('gone')) }],
      }),
    );
    expect(plan.repairs).toEqual([]);
    expect(plan.leftAlone).toEqual([
      {
        subject: 'churn v1',
        reason:
          'its run gone is not in Temporal (retention expired, or another namespace), so how it ended is unknown; it stays Approved',
      },
    ]);
  });
});
