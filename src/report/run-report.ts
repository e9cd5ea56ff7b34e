import type { EndpointModel, ScalingActivity } from '../backends/hosting';
import type { ChampionGateVerdict } from '../evaluation/champion-gate';
import type { MetricName } from '../evaluation/metric-names';
import type { GateVerdict, LeaderboardRow } from '../evaluation/select';
import type {
  CandidateStatus,
  DecisionTrailEntry,
  RegisteredModel,
  ReportedRun,
} from '../workflows/definitions';
import type {
  AutoscalingSummary,
  DeploymentSummary,
  LoadTestOutcome,
  RollbackSummary,
  StepRecord,
  VersionRef,
} from '../workflows/release-definitions';
import { runHeadline } from './headline';
import { reportSteps } from './report-steps';

/**
 * A run's report as plain JSON data: what `report.json` holds and what the
 * Markdown and HTML renderers read. The shapes are the workflow's own
 * (definitions.ts, release-definitions.ts) with one change: a value that may
 * be missing is `null`, never `undefined`, and a metric that is not a finite
 * number is `null`, so the report survives JSON.stringify/parse unchanged
 * and a reader of the file sees every field. Bump `reportVersion` when a
 * field changes meaning or goes away.
 */
export interface RunReport {
  reportVersion: 1;
  runId: string;
  pipeline: string;
  objective: string;
  outcome: ReportedRun['outcome'];
  reason: string | null;
  /** The outcome in one line, e.g. "Deployed churn v3 to endpoint churn; load test passed: ...". */
  headline: string;
  startedBy: string;
  generatedAt: string;
  datasetFingerprint: string;
  /** All eight steps of PIPELINE_STEPS, in order; those the run never reached are 'skipped' with a note. */
  steps: ReportStep[];
  candidates: CandidateCounts;
  leaderboard: ReportLeaderboardRow[];
  /** The winner; null when no candidate was chosen. */
  chosenModel: ChosenModel | null;
  /** The gates of the winner, or of the top-ranked candidate when none won; null with no leaderboard. */
  gates: ReportGates | null;
  registered: RegisteredModel | null;
  /** null when the run never waited for a decision. */
  decisionTrail: ReportDecision[] | null;
  deployment: ReportDeployment | null;
  autoscaling: AutoscalingSummary | null;
  loadTest: LoadTestOutcome | null;
  rollback: ReportRollback | null;
  /** The endpoint's size changes since the deployment, oldest first. */
  scaling: ScalingActivity[];
}

export type ReportStep = Omit<StepRecord, 'startedAt' | 'endedAt' | 'note'> & {
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  note: string | null;
};

/** Metric values; null where the value was NaN or infinite (JSON has neither). */
export type ReportMetrics = Partial<Record<MetricName, number | null>>;

export type ReportGate = Omit<GateVerdict, 'observed'> & { observed: number | null };

export type ReportLeaderboardRow = Omit<LeaderboardRow, 'objectiveValue' | 'metrics' | 'gates'> & {
  objectiveValue: number | null;
  metrics: ReportMetrics;
  gates: ReportGate[];
};

export interface CandidateCounts {
  total: number;
  succeeded: number;
  /** Candidates that failed to train or evaluate: they have no leaderboard row. */
  failed: { id: string; algorithm: string; error: string | null }[];
}

export interface ChosenModel {
  candidateId: string;
  rank: number;
  algorithm: string;
  hyperparameters: Record<string, number>;
  objectiveValue: number | null;
  metrics: ReportMetrics;
}

export interface ReportGates {
  /** Whose gates these are: the winner's, or the best candidate's when it fell short. */
  candidateId: string;
  thresholds: ReportGate[];
  passedThresholds: boolean;
  /** null when the run did not check a champion (disabled, or the run predates the gate). */
  champion: ReportChampionGate | null;
}

export type ReportChampionGate = Omit<ChampionGateVerdict, 'champion'> & {
  champion: { version: number; algorithm: string; metrics: ReportMetrics } | null;
};

export type ReportDecision = Omit<DecisionTrailEntry, 'reason'> & { reason: string | null };

export type ReportDeployment = Omit<DeploymentSummary, 'previous'> & {
  previous: VersionRef | null;
};

export type ReportRollback = Omit<RollbackSummary, 'restored'> & {
  restored: EndpointModel | null;
};

export interface RunReportInput {
  result: ReportedRun;
  pipeline: string;
  objective: string;
  startedBy: string;
  generatedAt: string;
  scaling: ScalingActivity[];
}

/** The report of a finished run, whatever its outcome. Pure: no clock, no I/O. */
export function buildRunReport(input: RunReportInput): RunReport {
  const { result } = input;
  const release = result.release;
  const loadTest = release?.loadTest ?? null;
  const deployment = release?.deployment;
  const rollback = release?.rollback;
  const report: Omit<RunReport, 'headline'> = {
    reportVersion: 1,
    runId: result.runId,
    pipeline: input.pipeline,
    objective: input.objective,
    outcome: result.outcome,
    reason: result.reason ?? null,
    startedBy: input.startedBy,
    generatedAt: input.generatedAt,
    datasetFingerprint: result.datasetFingerprint,
    steps: reportSteps(result),
    candidates: candidateCounts(result.candidates),
    leaderboard: result.leaderboard.map(leaderboardRow),
    chosenModel: result.winner ? chosenModel(result.winner) : null,
    gates: gatesOf(result),
    registered: result.modelVersion ? { ...result.modelVersion } : null,
    decisionTrail:
      result.decisionTrail?.map((entry) => ({ ...entry, reason: entry.reason ?? null })) ?? null,
    deployment: deployment ? { ...deployment, previous: deployment.previous ?? null } : null,
    autoscaling: release?.autoscaling ?? null,
    loadTest,
    rollback: rollback ? { ...rollback, restored: rollback.restored ?? null } : null,
    // Code-unit order of ISO times is time order; the sort is stable for equal times.
    scaling: [...input.scaling].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
  return { ...report, headline: runHeadline(report) };
}

function candidateCounts(candidates: CandidateStatus[]): CandidateCounts {
  return {
    total: candidates.length,
    succeeded: candidates.filter((candidate) => candidate.state === 'succeeded').length,
    failed: candidates
      .filter((candidate) => candidate.state === 'failed')
      .map((candidate) => ({
        id: candidate.id,
        algorithm: candidate.algorithm,
        error: candidate.error ?? null,
      })),
  };
}

function leaderboardRow(row: LeaderboardRow): ReportLeaderboardRow {
  return {
    ...row,
    hyperparameters: { ...row.hyperparameters },
    objectiveValue: finiteOrNull(row.objectiveValue),
    metrics: reportMetrics(row.metrics),
    gates: row.gates.map(reportGate),
  };
}

function chosenModel(winner: LeaderboardRow): ChosenModel {
  return {
    candidateId: winner.id,
    rank: winner.rank,
    algorithm: winner.algorithm,
    hyperparameters: { ...winner.hyperparameters },
    objectiveValue: finiteOrNull(winner.objectiveValue),
    metrics: reportMetrics(winner.metrics),
  };
}

/** Only the top-ranked candidate can win (select.ts), so its gates explain a run without a winner. */
function gatesOf(result: ReportedRun): ReportGates | null {
  const row = result.winner ?? result.leaderboard[0];
  if (!row) return null;
  const verdict = result.championGate;
  return {
    candidateId: row.id,
    thresholds: row.gates.map(reportGate),
    passedThresholds: row.passedGates,
    champion: verdict
      ? {
          hasChampion: verdict.hasChampion,
          passed: verdict.passed,
          reason: verdict.reason,
          champion: verdict.champion
            ? { ...verdict.champion, metrics: reportMetrics(verdict.champion.metrics) }
            : null,
        }
      : null,
  };
}

function reportGate(gate: GateVerdict): ReportGate {
  return { ...gate, observed: finiteOrNull(gate.observed) };
}

function reportMetrics(metrics: Partial<Record<MetricName, number>>): ReportMetrics {
  const out: ReportMetrics = {};
  for (const [name, value] of Object.entries(metrics) as [MetricName, number | undefined][]) {
    if (value !== undefined) out[name] = finiteOrNull(value);
  }
  return out;
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}
