import { formatTime } from '../text/numbers';
import { versionRef } from '../text/release-words';
import { emptyNote, markdownTableOf } from './markdown-table';
import { codeSpan } from './markdown-text';
import { markdownSafe as esc } from '../text/safe-text';
import {
  deployedModelText,
  noRollbackWhy,
  notDeployedWhy,
  policyTable,
  previousVersionText,
  rollbackAction,
  scaleToZeroNote,
  scalingTable,
} from './release-text';
import type { RunReport } from './run-report';

/**
 * The Deployment, Scaling timeline and Rollback sections of the Markdown
 * report. The words and tables come from release-text.ts, shared with the
 * HTML page; this file lays them out.
 */

export function renderDeployment(report: RunReport): string {
  const deployment = report.deployment;
  if (!deployment) return emptyNote(`Not deployed: ${notDeployedWhy(report)}`);
  const facts = [
    `- Endpoint: ${esc(deployment.endpoint)} at ${esc(deployment.url)}`,
    `- Model: ${esc(deployedModelText(deployment))}`,
    `- Previous version: ${esc(previousVersionText(deployment))}`,
    `- Replicas: ${deployment.replicas}`,
    `- Deployed at: ${esc(formatTime(deployment.deployedAt))}`,
    `- Deployment id: ${codeSpan(deployment.deploymentId)}`,
  ].join('\n');

  const autoscaling = report.autoscaling;
  if (!autoscaling) {
    return `${facts}\n\n### Auto scaling policy\n\n${emptyNote('Auto scaling was not configured')}`;
  }
  const scaleToZero = scaleToZeroNote(autoscaling);
  const settings = markdownTableOf(policyTable(autoscaling));
  return `${facts}\n\n### Auto scaling policy\n\n${settings}${scaleToZero ? `\n\n${esc(scaleToZero)}` : ''}`;
}

export function renderScaling(report: RunReport): string {
  if (report.scaling.length === 0) {
    return report.deployment
      ? emptyNote('No scaling activity: the endpoint kept its size')
      : emptyNote(`No scaling activity: not deployed, as ${notDeployedWhy(report)}`);
  }
  return markdownTableOf(scalingTable(report.scaling));
}

export function renderRollback(report: RunReport): string {
  const rollback = report.rollback;
  if (!rollback) return emptyNote(noRollbackWhy(report));
  const status = report.registered
    ? `\n- Registry: ${esc(versionRef(report.registered))} is now **${esc(report.registered.status)}**`
    : '';
  return `- ${esc(rollbackAction(rollback))}\n- Reason: ${esc(rollback.reason)}${status}`;
}
