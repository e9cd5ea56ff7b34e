import type { EndpointModel, ScalingActivity } from '../backends/hosting';
import type { ChampionGateVerdict } from '../evaluation/champion-gate';
import type { MetricName } from '../evaluation/metric-names';
import { describeProtocol, type Protocol } from '../evaluation/protocol';
import type { ChosenModel as Chosen, GateVerdict, LeaderboardRow } from '../evaluation/select';
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
import type { PolicyInForce } from '../policy/policy-in-force';
import { describePolicyInForce } from '../text/policy-words';
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
  /** How the leaderboard's scores were computed; never on the test split. null only if the run never prepared its data. */
  ranking: ReportRanking | null;
  /** All eight steps of PIPELINE_STEPS, in order; those the run never reached are 'skipped' with a note. */
  steps: ReportStep[];
  candidates: CandidateCounts;
  leaderboard: ReportLeaderboardRow[];
  /** The best-ranked configuration, refit and scored on test; null when none was put forward. */
  chosenModel: ChosenModel | null;
  /** The chosen model's gates, on its test score; null when no model was put forward. */
  gates: ReportGates | null;
  registered: RegisteredModel | null;
  /** The approval policy the decision was taken under and where it came from; null before registration. */
  approvalPolicy: ReportApprovalPolicy | null;
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

export interface ReportRanking {
  method: Protocol['method'];
  /** Cross-validation only: how many folds. */
  folds: number | null;
  rows: number;
  /** Whether the pipeline file named the method or the size rule chose it. */
  chosenBy: Protocol['chosenBy'];
  /** e.g. "5-fold cross-validation on train + validation (5,950 rows)". */
  description: string;
}

/** A leaderboard row: its scores are ranking scores (validation or CV mean), never test. */
export type ReportLeaderboardRow = Omit<
  LeaderboardRow,
  | 'objectiveValue'
  | 'metrics'
  | 'spread'
  | 'fittedRounds'
  | 'modelDir'
  | 'rankingPredictions'
  | 'members'
> & {
  /** An ensemble's members and weights; null for a single model. */
  members: { id: string; weight: number }[] | null;
  objectiveValue: number | null;
  metrics: ReportMetrics;
  /** Cross-validation: each metric's standard deviation over the folds; null under holdout. */
  spread: ReportMetrics | null;
  fittedRounds: number | null;
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
  /** As registered: the refit's rounds where early stopping chose them. */
  hyperparameters: Record<string, number>;
  /** An ensemble's members and weights (each refit as the model is); null for a single model. */
  members: { id: string; weight: number }[] | null;
  trainedOn: Chosen['trainedOn'];
  trainingRows: number;
  /** Its ranking score on the objective (validation or CV mean), as on the leaderboard. */
  rankingValue: number | null;
  /** Its metrics on the test split, read once for this model. */
  test: ReportMetrics;
  testRows: number;
  testObjectiveValue: number | null;
}

export interface ReportGates {
  /** The chosen model's candidate; the thresholds are judged on its test metrics. */
  candidateId: string;
  thresholds: ReportGate[];
  passedThresholds: boolean;
  /** null when the run did not check a champion (disabled, or the run predates the gate). */
  champion: ReportChampionGate | null;
}

export type ReportChampionGate = Omit<ChampionGateVerdict, 'champion'> & {
  champion: { version: number; algorithm: string; metrics: ReportMetrics } | null;
};

/** A decision as proven: the verified person, their issuer and token id are null when the credential did not verify. */
export type ReportDecision = Omit<
  DecisionTrailEntry,
  'reason' | 'subject' | 'issuer' | 'tokenId' | 'eligibleAs'
> & {
  reason: string | null;
  subject: string | null;
  issuer: string | null;
  tokenId: string | null;
  eligibleAs: string | null;
};

export interface ReportApprovalPolicy {
  source: PolicyInForce['source'];
  /** In one line: who, how many, the starter rule, the timeout, and the source. */
  description: string;
  /** What the run's file asked for that the policy did not allow. */
  notes: string[];
}

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

function reportDecision(entry: DecisionTrailEntry): ReportDecision {
  return {
    ...entry,
    reason: entry.reason ?? null,
    subject: entry.subject ?? null,
    issuer: entry.issuer ?? null,
    tokenId: entry.tokenId ?? null,
    eligibleAs: entry.eligibleAs ?? null,
  };
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
    startedBy: result.startedBy ?? input.startedBy,
    generatedAt: input.generatedAt,
    datasetFingerprint: result.datasetFingerprint,
    ranking: result.protocol ? reportRanking(result.protocol) : null,
    steps: reportSteps(result),
    candidates: candidateCounts(result.candidates),
    leaderboard: result.leaderboard.map(leaderboardRow),
    chosenModel: result.winner ? chosenModel(result.winner) : null,
    gates: gatesOf(result),
    registered: result.modelVersion ? { ...result.modelVersion } : null,
    approvalPolicy: result.policy
      ? {
          source: result.policy.source,
          description: describePolicyInForce(result.policy),
          notes: result.policy.notes,
        }
      : null,
    decisionTrail: result.decisionTrail?.map(reportDecision) ?? null,
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
    id: row.id,
    index: row.index,
    algorithm: row.algorithm,
    seed: row.seed,
    rank: row.rank,
    hyperparameters: { ...row.hyperparameters },
    objectiveValue: finiteOrNull(row.objectiveValue),
    metrics: reportMetrics(row.metrics),
    spread: row.spread ? reportMetrics(row.spread) : null,
    fittedRounds: row.fittedRounds ?? null,
    members: row.members ? row.members.map((member) => ({ ...member })) : null,
  };
}

function reportRanking(protocol: Protocol): ReportRanking {
  return {
    method: protocol.method,
    folds: protocol.method === 'cv' ? protocol.folds : null,
    rows: protocol.rows,
    chosenBy: protocol.chosenBy,
    description: describeProtocol(protocol),
  };
}

function chosenModel(winner: Chosen): ChosenModel {
  return {
    candidateId: winner.id,
    rank: winner.rank,
    algorithm: winner.algorithm,
    hyperparameters: { ...winner.hyperparameters },
    members: winner.members ? winner.members.map((member) => ({ ...member })) : null,
    trainedOn: winner.trainedOn,
    trainingRows: winner.trainingRows,
    rankingValue: finiteOrNull(winner.objectiveValue),
    test: reportMetrics(winner.test),
    testRows: winner.testRows,
    testObjectiveValue: finiteOrNull(winner.testObjectiveValue),
  };
}

/** Only the top-ranked configuration is put forward (select.ts), so its gates explain a run without a winner. */
function gatesOf(result: ReportedRun): ReportGates | null {
  const row = result.winner;
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
