import type { RollbackResult, ScalingPolicy } from '../backends/hosting';

/**
 * What a release did, in the words the terminal and the report share: a
 * registry version, the scaling target, what a rollback left the endpoint
 * on. `ferry run`, `ferry status`, `ferry endpoints`, the report's headline
 * and its sections name these things the same way.
 */

/** "churn v3". */
export function versionRef(model: { group: string; version: number }): string {
  return `${model.group} v${model.version}`;
}

/** "10 invocations per replica per 60 s": what target tracking holds each replica to. */
export function scalingTarget(
  policy: Pick<ScalingPolicy, 'targetInvocationsPerReplica' | 'metricWindowSeconds'>,
): string {
  return `${policy.targetInvocationsPerReplica} invocations per replica per ${policy.metricWindowSeconds} s`;
}

/** Where a rollback left the endpoint, as a clause: "endpoint churn is back on churn v2". */
export function rollbackClause(
  rollback: Pick<RollbackResult, 'action' | 'endpoint'> & {
    restored?: { group: string; version: number } | null;
  },
): string {
  switch (rollback.action) {
    case 'restored':
      return `endpoint ${rollback.endpoint} is back on ${rollback.restored ? versionRef(rollback.restored) : 'its previous version'}`;
    case 'removed':
      return `endpoint ${rollback.endpoint} was removed (it was a first deployment)`;
    case 'nothing-to-do':
      return `endpoint ${rollback.endpoint} had nothing to undo`;
  }
}
