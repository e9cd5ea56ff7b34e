import type { PipelineResult } from '../workflows/definitions';
import { formatMs, formatPercent } from '../text/numbers';
import { rollbackClause, scalingTarget, versionRef } from '../text/release-words';
import { terminalSafe } from '../text/safe-text';

/** The deploy, load test and report lines that end `ferry run`, `ferry status` and the demo, each terminal-safe. */
export function formatRelease(
  result: Pick<PipelineResult, 'release'> & Partial<Pick<PipelineResult, 'report'>>,
): string[] {
  const lines: string[] = [];
  const { deployment, autoscaling, loadTest, rollback } = result.release ?? {};
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
  if (rollback) lines.push(`rolled back: ${rollbackClause(rollback)}`);
  if (result.report) lines.push(`report: ${result.report.markdown}`);
  return lines.map(terminalSafe);
}
