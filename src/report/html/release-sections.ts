import { formatCount, formatTime } from '../markdown-format';
import { notDeployedWhy } from '../render-release';
import type { RunReport } from '../run-report';
import {
  code,
  emptyNote,
  factList,
  htmlTable,
  paragraph,
  section,
  subheading,
} from './html-blocks';
import { markup, type Html } from './html-text';

/** The Deployment, Scaling and Rollback sections: what the release did to the endpoint. */

export function deploymentSection(report: RunReport): Html {
  const deployment = report.deployment;
  if (!deployment) {
    return section('deployment', 'Deployment', [
      emptyNote(`Not deployed: ${notDeployedWhy(report)}`),
    ]);
  }
  const { model, previous } = deployment;
  const facts = factList([
    // The URL is text, not a link: it points at a local endpoint that may be gone.
    ['Endpoint', markup`${deployment.endpoint} at ${code(deployment.url)}`],
    ['Model', `${model.group} v${model.version} (${model.algorithm})`],
    [
      'Previous version',
      previous ? `${previous.group} v${previous.version}` : 'none (first deployment)',
    ],
    ['Replicas', String(deployment.replicas)],
    ['Deployed at', formatTime(deployment.deployedAt)],
    ['Deployment id', code(deployment.deploymentId)],
  ]);
  return section('deployment', 'Deployment', [
    facts,
    subheading('Auto scaling policy'),
    policy(report),
  ]);
}

function policy(report: RunReport): Html {
  const autoscaling = report.autoscaling;
  if (!autoscaling) return emptyNote('Auto scaling was not configured');
  const { policy } = autoscaling;
  const table = htmlTable(
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
      ? paragraph(
          'With 0 replicas allowed, the endpoint scales to zero when idle; the first request then waits for a cold start.',
        )
      : null;
  return markup`${table}${scaleToZero}`;
}

export function scalingSection(report: RunReport, chart: Html | null): Html {
  if (!report.deployment) {
    return section('scaling', 'Scaling', [
      emptyNote(
        `No replica chart and no scaling activity: not deployed, as ${notDeployedWhy(report)}`,
      ),
    ]);
  }
  const table =
    report.scaling.length === 0
      ? emptyNote('No scaling activity: the endpoint kept its size')
      : htmlTable(
          ['at', 'replicas', 'cause'],
          report.scaling.map((activity) => [
            formatTime(activity.at),
            `${activity.fromReplicas} → ${activity.toReplicas}`,
            activity.cause,
          ]),
        );
  return section('scaling', 'Scaling', [chart, table]);
}

export function rollbackSection(report: RunReport): Html {
  return section('rollback', 'Rollback', [rollbackBody(report)]);
}

function rollbackBody(report: RunReport): Html {
  const rollback = report.rollback;
  if (!rollback) {
    if (!report.deployment) {
      return emptyNote(`No rollback: nothing was deployed, as ${notDeployedWhy(report)}`);
    }
    return emptyNote(
      report.loadTest?.verdict.passed
        ? 'No rollback: the load test passed'
        : 'No rollback was recorded',
    );
  }
  const { restored } = rollback;
  const action =
    rollback.action === 'restored'
      ? `Endpoint ${rollback.endpoint} was restored to ${restored ? `${restored.group} v${restored.version} (${restored.algorithm})` : 'its previous version'}.`
      : rollback.action === 'removed'
        ? `Endpoint ${rollback.endpoint} was removed: this was its first deployment, so there was nothing to go back to.`
        : `Nothing to undo on endpoint ${rollback.endpoint}: the deployment was no longer its current version.`;
  return factList([
    ['Action', action],
    ['Reason', rollback.reason],
    ...(report.registered
      ? [
          [
            'Registry',
            `${report.registered.group} v${report.registered.version} is now ${report.registered.status}`,
          ] as const,
        ]
      : []),
  ]);
}
