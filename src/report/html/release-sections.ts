import { formatTime } from '../../text/numbers';
import { versionRef } from '../../text/release-words';
import {
  deployedModelText,
  noRollbackWhy,
  notDeployedWhy,
  policyTable,
  previousVersionText,
  rollbackAction,
  scaleToZeroNote,
  scalingTable,
} from '../release-text';
import type { RunReport } from '../run-report';
import {
  code,
  emptyNote,
  factList,
  htmlTableOf,
  paragraph,
  section,
  subheading,
} from './html-blocks';
import { markup, type Html } from './html-text';

/**
 * The Deployment, Scaling and Rollback sections: what the release did to the
 * endpoint. The words and tables come from release-text.ts, shared with the
 * Markdown report; this file lays them out as HTML.
 */

export function deploymentSection(report: RunReport): Html {
  const deployment = report.deployment;
  if (!deployment) {
    return section('deployment', 'Deployment', [
      emptyNote(`Not deployed: ${notDeployedWhy(report)}`),
    ]);
  }
  const facts = factList([
    // The URL is text, not a link: it points at a local endpoint that may be gone.
    ['Endpoint', markup`${deployment.endpoint} at ${code(deployment.url)}`],
    ['Model', deployedModelText(deployment)],
    ['Previous version', previousVersionText(deployment)],
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
  const scaleToZero = scaleToZeroNote(autoscaling);
  return markup`${htmlTableOf(policyTable(autoscaling))}${scaleToZero ? paragraph(scaleToZero) : null}`;
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
      : htmlTableOf(scalingTable(report.scaling));
  return section('scaling', 'Scaling', [chart, table]);
}

export function rollbackSection(report: RunReport): Html {
  return section('rollback', 'Rollback', [rollbackBody(report)]);
}

function rollbackBody(report: RunReport): Html {
  const rollback = report.rollback;
  if (!rollback) return emptyNote(noRollbackWhy(report));
  return factList([
    ['Action', rollbackAction(rollback)],
    ['Reason', rollback.reason],
    ...(report.registered
      ? [
          [
            'Registry',
            `${versionRef(report.registered)} is now ${report.registered.status}`,
          ] as const,
        ]
      : []),
  ]);
}
