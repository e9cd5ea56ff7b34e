import type { ScalingActivity, ScalingPolicy } from '../../../src/backends/hosting';
import type { Protocol } from '../../../src/evaluation/protocol';
import type { ChosenModel, LeaderboardRow } from '../../../src/evaluation/select';
import type {
  LatencySummaryMs,
  LoadTimelinePoint,
  SloVerdict,
} from '../../../src/loadtest/load-types';
import type { RunReportInput } from '../../../src/report';
import type { PipelineResult, ReportedRun } from '../../../src/workflows/definitions';
import type {
  LoadTestOutcome,
  PipelineStep,
  StepRecord,
} from '../../../src/workflows/release-definitions';

/**
 * Hand-built results of the four ways a run ends, shared by the report
 * tests. Times are fixed, so every report built from them is the same.
 */

export const POLICY: ScalingPolicy = {
  minReplicas: 1,
  maxReplicas: 4,
  targetInvocationsPerReplica: 50,
  metricWindowSeconds: 10,
  scaleOutCooldownSeconds: 30,
  scaleInCooldownSeconds: 120,
  coldStartTimeoutSeconds: 60,
};

const T0 = Date.parse('2025-03-01T10:00:00.000Z');

/** A time `seconds` after the run began. */
export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

/** Step records for `steps`, each 10 s long, one after the other; `notes` by step. */
export function stepRecords(
  steps: readonly PipelineStep[],
  notes: Partial<Record<PipelineStep, string>> = {},
): StepRecord[] {
  return steps.map((step, i) => {
    const note = notes[step];
    return {
      step,
      status: 'done',
      startedAt: at(i * 10),
      endedAt: at(i * 10 + 10),
      ...(note !== undefined ? { note } : {}),
    };
  });
}

function row(id: string, rank: number, rocAuc: number, f1: number): LeaderboardRow {
  return {
    id,
    index: Number(id.slice(1)),
    algorithm: rank % 2 === 0 ? 'random_forest' : 'xgboost',
    hyperparameters: { max_depth: rank + 2, eta: 0.1 },
    seed: 7_000 + rank,
    metrics: { roc_auc: rocAuc, f1, log_loss: 0.25 + rank / 8 },
    spread: { roc_auc: 0.01 * rank, f1: 0.02, log_loss: 0.01 },
    fittedRounds: 40 + rank,
    rank,
    objectiveValue: rocAuc,
  };
}

/** Candidates ranked by 5-fold cross-validation on train + validation. */
export const PROTOCOL: Protocol = {
  method: 'cv',
  folds: 5,
  rows: 5_950,
  refit: true,
  chosenBy: 'size rule',
};

/** The best row refit on train + validation and scored on test (a little below its CV mean). */
export function chosen(best: LeaderboardRow, gate = 'roc_auc >= 0.75'): ChosenModel {
  const test = (best.objectiveValue ?? 0) - 0.004;
  const passed = test >= Number(gate.split('>=')[1]);
  return {
    ...best,
    hyperparameters: { ...best.hyperparameters, num_round: best.fittedRounds ?? 1 },
    modelDir: `/models/${best.id}-refit`,
    trainedOn: 'train+validation',
    trainingRows: 5_950,
    test: { roc_auc: test, f1: 0.7, log_loss: 0.41 },
    testRows: 1_057,
    testObjectiveValue: test,
    gates: [{ gate, metric: 'roc_auc', observed: test, passed }],
    passedGates: passed,
  };
}

/** Three scored candidates, c02 best; one more candidate failed. */
export function leaderboard(topRocAuc = 0.8123): LeaderboardRow[] {
  return [row('c02', 1, topRocAuc, 0.71), row('c01', 2, 0.7, 0.66), row('c03', 3, 0.61, 0.52)];
}

function candidates(rows: LeaderboardRow[]): PipelineResult['candidates'] {
  return [
    ...rows.map((r) => ({
      id: r.id,
      algorithm: r.algorithm,
      state: 'succeeded' as const,
      metrics: r.metrics,
    })),
    { id: 'c04', algorithm: 'xgboost', state: 'failed', error: 'training | exited with code 1' },
  ];
}

function latency(p99: number, count: number): LatencySummaryMs {
  return { p50: p99 / 4, p90: p99 / 2, p99, p999: p99 * 1.2, max: p99 * 1.5, mean: p99 / 3, count };
}

/** `seconds` seconds at `perSecond` requests, `errorsPerSecond` of them failing. */
export function timeline(
  seconds: number,
  perSecond: number,
  errorsPerSecond = 0,
): LoadTimelinePoint[] {
  return Array.from({ length: seconds }, (_, second) => ({
    second,
    sent: perSecond + (second % 3),
    ok: perSecond + (second % 3) - errorsPerSecond,
    errors: errorsPerSecond,
    p50Ms: 10 + (second % 7),
    p99Ms: 40 + (second % 11),
  }));
}

export function loadTestOutcome(options: {
  p99Ms: number;
  seconds: number;
  errorsPerSecond?: number;
  verdict: SloVerdict;
}): LoadTestOutcome {
  const points = timeline(options.seconds, 20, options.errorsPerSecond ?? 0);
  const sent = points.reduce((total, point) => total + point.sent, 0);
  const errors = points.reduce((total, point) => total + point.errors, 0);
  const warmSeconds = Math.floor(options.seconds / 3);
  return {
    result: {
      arrival: 'poisson',
      scheduled: sent,
      sent,
      ok: sent - errors,
      errors,
      errorRate: errors / sent,
      errorsByKind: errors > 0 ? { 'http-500': errors - 1, timeout: 1 } : {},
      durationMs: options.seconds * 1000 + 350,
      scheduledDurationMs: options.seconds * 1000,
      achievedRatePerSecond: sent / options.seconds,
      latencyMs: latency(options.p99Ms, sent - errors),
      serviceTimeMs: latency(options.p99Ms * 0.8, sent - errors),
      phases: [
        {
          name: 'warm-up',
          startSecond: 0,
          durationSeconds: warmSeconds,
          scheduled: warmSeconds * 20,
          sent: warmSeconds * 20,
          ok: warmSeconds * 20,
          errors: 0,
          latencyMs: latency(options.p99Ms / 2, warmSeconds * 20),
        },
        {
          name: 'steady',
          startSecond: warmSeconds,
          durationSeconds: options.seconds - warmSeconds,
          scheduled: sent - warmSeconds * 20,
          sent: sent - warmSeconds * 20,
          ok: sent - warmSeconds * 20 - errors,
          errors,
          latencyMs: latency(options.p99Ms, sent - warmSeconds * 20 - errors),
        },
      ],
      timeline: points,
      maxInFlight: 12,
      sendLagMsP99: 0.4,
    },
    verdict: options.verdict,
    sample: {
      contentType: 'application/json',
      request: '{"instances":[{"tenure":12,"plan":"a|b"}]}',
      response: '{"predictions":[{"label":"yes","probability":0.81}]}',
    },
  };
}

const PASSED: SloVerdict = {
  passed: true,
  slo: { latencyP99Ms: 250, maxErrorRate: 0.01 },
  breaches: [],
  summary: 'passed: p99 41.2 ms <= 250 ms, errors 0.00% <= 1.00%',
};

const P99_BREACH: SloVerdict = {
  passed: false,
  slo: { latencyP99Ms: 250, maxErrorRate: 0.01 },
  breaches: [
    {
      figure: 'latencyP99Ms',
      observed: 412.3,
      limit: 250,
      message: "p99 latency 412.3 ms is over the SLO's 250 ms",
    },
  ],
  summary: "p99 latency 412.3 ms is over the SLO's 250 ms",
};

const ALL_STEPS: PipelineStep[] = [
  'prepare',
  'train',
  'select',
  'register',
  'approve',
  'deploy',
  'loadTest',
  'report',
];

/** A refused attempt by the starter, then `subject`'s accepted decision, as the run records them. */
function decided(subject: string, action: 'approve' | 'reject', message: string) {
  return [
    {
      at: at(41),
      via: 'signal' as const,
      action,
      subject: 'carol',
      issuer: 'ferry-api',
      tokenId: 'token-carol',
      message: 'self | approval',
      accepted: false,
      reason: 'carol started the run | and may not decide it',
    },
    {
      at: at(45),
      via: 'update' as const,
      action,
      subject,
      issuer: 'ferry-api',
      tokenId: `token-${subject}`,
      eligibleAs: 'approver',
      message,
      accepted: true,
    },
  ];
}

/** (a) Approved, deployed, load test passed; the endpoint scaled out and back. */
export function deployedResult(): PipelineResult {
  const rows = leaderboard();
  return {
    outcome: 'deployed',
    runId: 'ferry-a1b2c3',
    datasetFingerprint: 'sha256:0f1e2d',
    protocol: PROTOCOL,
    winner: chosen(rows[0] as LeaderboardRow),
    leaderboard: rows,
    candidates: candidates(rows),
    modelVersion: { group: 'churn', version: 3, status: 'Approved' },
    decisionTrail: decided('alice', 'approve', 'ok | ship it'),
    championGate: {
      hasChampion: true,
      passed: true,
      reason: 'c02 has roc_auc 0.8123, champion version 2 has 0.79: beats it by 0.0223 (margin 0)',
      champion: { version: 2, algorithm: 'xgboost', metrics: { roc_auc: 0.79 } },
    },
    release: {
      deployment: {
        endpoint: 'churn',
        url: 'http://127.0.0.1:8710',
        deploymentId: 'ferry-a1b2c3-deploy',
        model: { group: 'churn', version: 3, algorithm: 'xgboost' },
        previous: { group: 'churn', version: 2 },
        replicas: 1,
        deployedAt: at(60),
      },
      autoscaling: { endpoint: 'churn', policy: POLICY, replicas: 1 },
      loadTest: loadTestOutcome({ p99Ms: 41.2, seconds: 30, verdict: PASSED }),
    },
    steps: stepRecords(ALL_STEPS, { report: 'report.json and report.md' }),
    report: {
      dir: '/runs/ferry-a1b2c3',
      json: 'report.json',
      markdown: 'report.md',
      html: 'report.html',
    },
  };
}

export const DEPLOYED_SCALING: ScalingActivity[] = [
  { at: at(130), endpoint: 'churn', fromReplicas: 3, toReplicas: 1, cause: 'load fell | scale in' },
  {
    at: at(75),
    endpoint: 'churn',
    fromReplicas: 1,
    toReplicas: 3,
    cause: '62 invocations/replica',
  },
];

/** (b) Approved and deployed, but p99 broke the SLO, so the endpoint went back to v2. */
export function rolledBackResult(): PipelineResult {
  const result = deployedResult();
  const reason = `SLO violated: ${P99_BREACH.summary}`;
  return {
    ...result,
    outcome: 'rolled-back',
    runId: 'ferry-d4e5f6',
    reason,
    modelVersion: { group: 'churn', version: 3, status: 'Rejected' },
    release: {
      ...result.release,
      loadTest: loadTestOutcome({
        p99Ms: 412.3,
        seconds: 60,
        errorsPerSecond: 1,
        verdict: P99_BREACH,
      }),
      rollback: {
        action: 'restored',
        endpoint: 'churn',
        reason,
        restored: { group: 'churn', version: 2, algorithm: 'xgboost', modelDir: '/models/churn/2' },
      },
    },
  };
}

/** (c) Registered, then rejected by a reviewer: nothing deployed. */
export function rejectedResult(): ReportedRun {
  const rows = leaderboard();
  return {
    outcome: 'rejected',
    runId: 'ferry-0a0b0c',
    datasetFingerprint: 'sha256:0f1e2d',
    protocol: PROTOCOL,
    winner: chosen(rows[0] as LeaderboardRow),
    leaderboard: rows,
    candidates: candidates(rows),
    modelVersion: { group: 'churn', version: 4, status: 'Rejected' },
    decisionTrail: decided('bob', 'reject', 'fails fairness review'),
    steps: stepRecords(['prepare', 'train', 'select', 'register', 'approve', 'report']),
  };
}

/** (d) The best candidate fell short of the gate: nothing registered. */
export function noCandidatePassedResult(): ReportedRun {
  const rows = leaderboard(0.72);
  return {
    outcome: 'no-candidate-passed',
    runId: 'ferry-9z8y7x',
    datasetFingerprint: 'sha256:0f1e2d',
    protocol: PROTOCOL,
    winner: chosen(rows[0] as LeaderboardRow, 'roc_auc >= 0.80'),
    leaderboard: rows,
    candidates: candidates(rows),
    reason: 'best candidate c02 (xgboost) has test roc_auc 0.716, gate "roc_auc >= 0.80" not met',
    steps: stepRecords(['prepare', 'train', 'select', 'report']),
  };
}

/** The report input around a result, as the report activity passes it. */
export function reportInput(result: ReportedRun, scaling: ScalingActivity[] = []): RunReportInput {
  return {
    result,
    pipeline: 'churn',
    objective: 'roc_auc',
    startedBy: 'carol',
    generatedAt: '2025-03-01T10:05:00.000Z',
    scaling,
  };
}

/** Every fixture, named for test.each. */
export const ALL_RUNS: [string, () => RunReportInput][] = [
  ['deployed', () => reportInput(deployedResult(), DEPLOYED_SCALING)],
  ['rolled-back', () => reportInput(rolledBackResult(), DEPLOYED_SCALING)],
  ['rejected', () => reportInput(rejectedResult())],
  ['no-candidate-passed', () => reportInput(noCandidatePassedResult())],
];
