import { formatCount, formatTime } from './markdown-format';
import { emptyNote, markdownTable } from './markdown-table';
import { endedPhrase } from './outcome-words';
import type { RunReport } from './run-report';

/** The Deployment, Scaling timeline and Rollback sections of the Markdown report. */

/** Why a run has no deployment, e.g. "the run ended rejected". */
export function notDeployedWhy(report: RunReport): string {
  if (report.outcome === 'deployed' || report.outcome === 'rolled-back') {
    return 'the run recorded no deployment';
  }
  return endedPhrase(report.outcome);
}

export function renderDeployment(report: RunReport): string {
  const deployment = report.deployment;
  if (!deployment) return emptyNote(`Not deployed: ${notDeployedWhy(report)}`);
  const { model, previous } = deployment;
  const facts = [
    `- Endpoint: ${deployment.endpoint} at <${deployment.url}>`,
    `- Model: ${model.group} v${model.version} (${model.algorithm})`,
    `- Previous version: ${previous ? `${previous.group} v${previous.version}` : 'none (first deployment)'}`,
    `- Replicas: ${deployment.replicas}`,
    `- Deployed at: ${formatTime(deployment.deployedAt)}`,
    `- Deployment id: \`${deployment.deploymentId}\``,
  ].join('\n');

  const autoscaling = report.autoscaling;
  if (!autoscaling) {
    return `${facts}\n\n### Auto scaling policy\n\n${emptyNote('Auto scaling was not configured')}`;
  }
  const { policy } = autoscaling;
  const settings = markdownTable(
    ['setting', 'value'],
    [
      ['replicas (min to max)', `${policy.minReplicas} to ${policy.maxReplicas}`],
      [
        'target invocations per replica',
        `${formatCount(policy.targetInvocationsPerReplica)} per ${policy.metricWindowSeconds} s`,
      ],
      ['scale-out cooldown', `${policy.scaleOutCooldownSeconds} s`],
      ['scale-in cooldown', `${policy.scaleInCooldownSeconds} s`],
      ['cold start timeout', `${policy.coldStartTimeoutSeconds} s`],
      ['replicas once configured', String(autoscaling.replicas)],
    ],
  );
  const scaleToZero =
    policy.minReplicas === 0
      ? '\n\nWith 0 replicas allowed, the endpoint scales to zero when idle; the first request then waits for a cold start.'
      : '';
  return `${facts}\n\n### Auto scaling policy\n\n${settings}${scaleToZero}`;
}

export function renderScaling(report: RunReport): string {
  if (report.scaling.length === 0) {
    return report.deployment
      ? emptyNote('No scaling activity: the endpoint kept its size')
      : emptyNote(`No scaling activity: not deployed, as ${notDeployedWhy(report)}`);
  }
  return markdownTable(
    ['at', 'replicas', 'cause'],
    report.scaling.map((activity) => [
      formatTime(activity.at),
      `${activity.fromReplicas} → ${activity.toReplicas}`,
      activity.cause,
    ]),
  );
}

export function renderRollback(report: RunReport): string {
  const rollback = report.rollback;
  if (!rollback) {
    if (!report.deployment) {
      return emptyNote(`No rollback: nothing was deployed, as ${notDeployedWhy(report)}`);
    }
    const verdict = report.loadTest?.verdict;
    return emptyNote(
      verdict?.passed ? 'No rollback: the load test passed' : 'No rollback was recorded',
    );
  }
  const { restored } = rollback;
  const action =
    rollback.action === 'restored'
      ? `Endpoint ${rollback.endpoint} was restored to ${restored ? `${restored.group} v${restored.version} (${restored.algorithm})` : 'its previous version'}.`
      : rollback.action === 'removed'
        ? `Endpoint ${rollback.endpoint} was removed: this was its first deployment, so there was nothing to go back to.`
        : `Nothing to undo on endpoint ${rollback.endpoint}: the deployment was no longer its current version.`;
  const status = report.registered
    ? `\n- Registry: ${report.registered.group} v${report.registered.version} is now **${report.registered.status}**`
    : '';
  return `- ${action}\n- Reason: ${rollback.reason}${status}`;
}
