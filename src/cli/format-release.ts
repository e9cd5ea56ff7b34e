import type { PipelineResult } from '../workflows/definitions';
import type { ReleaseSummary } from '../workflows/release-definitions';
import { formatMs, formatPercent } from '../text/numbers';
import { rollbackClause, scalingTarget, versionRef } from '../text/release-words';
import { terminalSafe } from '../text/safe-text';

/** The deploy, load test and report lines that end `ferry run`, `ferry status` and the demo, each terminal-safe. */
export function formatRelease(
  result: Pick<PipelineResult, 'release'> & Partial<Pick<PipelineResult, 'report'>>,
): string[] {
  const lines: string[] = [];
  const { waitingFor, deployment, autoscaling, loadTest, rollback, failure, compensationFailure } =
    result.release ?? {};
  if (waitingFor && !deployment) lines.push(formatWaiting(waitingFor));
  if (deployment) {
    const previous = deployment.previous ? `, replacing ${versionRef(deployment.previous)}` : '';
    lines.push(
      `deployed ${versionRef(deployment.model)} to endpoint ${deployment.endpoint} at ${deployment.url}${previous}`,
    );
  }
  if (autoscaling) {
    const p = autoscaling.policy;
    lines.push(
      `auto scaling: ${p.minReplicas}-${p.maxReplicas} replicas, target ${scalingTarget(p)}`,
    );
  }
  if (loadTest) {
    const r = loadTest.result;
    const l = r.latencyMs;
    lines.push(
      `load test: ${r.sent} requests at ${r.achievedRatePerSecond.toFixed(1)}/s, ` +
        `p50 ${formatMs(l.p50)}, p90 ${formatMs(l.p90)}, p99 ${formatMs(l.p99)}, max ${formatMs(l.max)}, ` +
        `errors ${formatPercent(r.errorRate)}`,
    );
    lines.push(`SLO: ${loadTest.verdict.summary}`);
  }
  if (failure) lines.push(`release: ${failure}`);
  if (rollback) lines.push(`rolled back: ${rollbackClause(rollback)}`);
  if (compensationFailure) lines.push(`compensation: ${compensationFailure}`);
  if (result.report) lines.push(`report: ${result.report.markdown}`);
  return lines.map(terminalSafe);
}

/** "waiting for endpoint churn, held by run ferry-churn-1a2b since 12:03:04Z". */
export function formatWaiting(waitingFor: NonNullable<ReleaseSummary['waitingFor']>): string {
  return `waiting for endpoint ${waitingFor.endpoint}, held by ${waitingFor.holder} since ${waitingFor.since}`;
}
