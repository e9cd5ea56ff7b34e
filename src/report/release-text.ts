import type { ScalingActivity } from '../backends/hosting';
import type { AutoscalingSummary } from '../workflows/release-definitions';
import { formatCount, formatTime } from '../text/numbers';
import { versionRef } from '../text/release-words';
import { endedPhrase } from './outcome-words';
import type { ReportDeployment, ReportRollback, RunReport } from './run-report';
import type { TextTable } from '../text/text-table';

/**
 * The words and tables of the Deployment, Scaling and Rollback sections as
 * plain text. Both renderers draw them, so the Markdown and the HTML page
 * describe what the release did to the endpoint in the same words.
 */

/** Why a run has no deployment, e.g. "the run ended rejected". */
export function notDeployedWhy(report: RunReport): string {
  if (report.outcome === 'deployed' || report.outcome === 'rolled-back') {
    return 'the run recorded no deployment';
  }
  return endedPhrase(report.outcome);
}

/** "churn v3 (xgboost)". */
export function deployedModelText({ model }: ReportDeployment): string {
  return `${versionRef(model)} (${model.algorithm})`;
}

export function previousVersionText({ previous }: ReportDeployment): string {
  return previous ? versionRef(previous) : 'none (first deployment)';
}

/** The auto scaling policy's settings and the size the endpoint had once it was applied. */
export function policyTable({ policy, replicas }: AutoscalingSummary): TextTable {
  return {
    header: ['setting', 'value'],
    rows: [
      ['replicas (min to max)', `${policy.minReplicas} to ${policy.maxReplicas}`],
      [
        'target invocations per replica',
        `${formatCount(policy.targetInvocationsPerReplica)} per ${policy.metricWindowSeconds} s`,
      ],
      ['scale-out cooldown', `${policy.scaleOutCooldownSeconds} s`],
      ['scale-in cooldown', `${policy.scaleInCooldownSeconds} s`],
      ['cold start timeout', `${policy.coldStartTimeoutSeconds} s`],
      ['replicas once configured', String(replicas)],
    ],
  };
}

/** A warning under the policy when it lets the endpoint scale to zero; null when it does not. */
export function scaleToZeroNote({ policy }: AutoscalingSummary): string | null {
  return policy.minReplicas === 0
    ? 'With 0 replicas allowed, the endpoint scales to zero when idle; the first request then waits for a cold start.'
    : null;
}

export function scalingTable(scaling: readonly ScalingActivity[]): TextTable {
  return {
    header: ['at', 'replicas', 'cause'],
    rows: scaling.map((activity) => [
      formatTime(activity.at),
      `${activity.fromReplicas} → ${activity.toReplicas}`,
      activity.cause,
    ]),
  };
}

/** Why a run has no rollback: nothing deployed, a passing load test, or none recorded. */
export function noRollbackWhy(report: RunReport): string {
  if (!report.deployment) {
    return `No rollback: nothing was deployed, as ${notDeployedWhy(report)}`;
  }
  return report.loadTest?.verdict.passed
    ? 'No rollback: the load test passed'
    : 'No rollback was recorded';
}

/** What the rollback did to the endpoint, as a sentence. */
export function rollbackAction(rollback: ReportRollback): string {
  const { restored } = rollback;
  switch (rollback.action) {
    case 'restored':
      return `Endpoint ${rollback.endpoint} was restored to ${restored ? `${versionRef(restored)} (${restored.algorithm})` : 'its previous version'}.`;
    case 'removed':
      return `Endpoint ${rollback.endpoint} was removed: this was its first deployment, so there was nothing to go back to.`;
    default:
      return `Nothing to undo on endpoint ${rollback.endpoint}: the deployment was no longer its current version.`;
  }
}
