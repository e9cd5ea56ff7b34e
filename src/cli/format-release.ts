import type { PipelineResult } from '../workflows/definitions';

/** The deploy, load test and report lines that end `ferry run`, `ferry status` and the demo. */
export function formatRelease(
  result: Pick<PipelineResult, 'release'> & Partial<Pick<PipelineResult, 'report'>>,
): string[] {
  const lines: string[] = [];
  const { deployment, autoscaling, loadTest, rollback } = result.release ?? {};
  if (deployment) {
    const previous = deployment.previous
      ? `, replacing ${deployment.previous.group} v${deployment.previous.version}`
      : '';
    lines.push(
      `deployed ${deployment.model.group} v${deployment.model.version} to endpoint ${deployment.endpoint} at ${deployment.url}${previous}`,
    );
  }
  if (autoscaling) {
    const p = autoscaling.policy;
    lines.push(
      `auto scaling: ${p.minReplicas}-${p.maxReplicas} replicas, target ${p.targetInvocationsPerReplica} invocations per replica per ${p.metricWindowSeconds} s`,
    );
  }
  if (loadTest) {
    const r = loadTest.result;
    const l = r.latencyMs;
    lines.push(
      `load test: ${r.sent} requests at ${r.achievedRatePerSecond.toFixed(1)}/s, ` +
        `p50 ${l.p50.toFixed(1)} ms, p90 ${l.p90.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms, ` +
        `errors ${(r.errorRate * 100).toFixed(2)}%`,
    );
    lines.push(`SLO: ${loadTest.verdict.summary}`);
  }
  if (rollback) {
    const what =
      rollback.action === 'restored' && rollback.restored
        ? `endpoint ${rollback.endpoint} is back on ${rollback.restored.group} v${rollback.restored.version}`
        : rollback.action === 'removed'
          ? `endpoint ${rollback.endpoint} was removed (this was its first deployment)`
          : `endpoint ${rollback.endpoint} needed no change`;
    lines.push(`rolled back: ${what}`);
  }
  if (result.report) lines.push(`report: ${result.report.markdown}`);
  return lines;
}
