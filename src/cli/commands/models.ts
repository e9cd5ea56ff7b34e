import type { Command } from 'commander';
import type { ModelVersion } from '../../backends/registry';
import { backendOption, regionOption, registryOf, type BackendChoice } from '../backend-option';
import { UserError } from '../../shared/user-error';
import { formatMetric } from '../../text/numbers';
import { auditVersion } from '../../policy/audit-version';
import { describePolicyInForce } from '../../text/policy-words';
import { deciderOf } from '../../text/decider';
import type { DecisionTrailEntry } from '../../policy/decision-trail';
import { connectClient } from '../../temporal/client';
import { summaryQuery, type PipelineResult } from '../../workflows/definitions';
import { print, printJson } from '../print';
import { terminalSafe } from '../../text/safe-text';

type ReadOptions = BackendChoice & { json?: boolean };

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('the model registry: versions, status, metrics, lineage');
  models
    .command('list')
    .description("list a model group's versions")
    .argument('<group>', "model group (the pipeline's modelGroup)")
    .option('--json', 'print JSON')
    .addOption(backendOption())
    .addOption(regionOption())
    .action(async (group: string, options: ReadOptions) => {
      const versions = await registryOf(options).listVersions(group);
      if (options.json) return printJson(versions);
      if (versions.length === 0)
        throw new UserError(
          `model group '${group}' has no versions yet; a run registers its winner there`,
        );
      for (const v of versions) {
        const metrics = Object.entries(v.metrics)
          .slice(0, 4)
          .map(([name, value]) => `${name}=${formatMetric(value)}`)
          .join(' ');
        print(
          `${group} v${v.version}  ${v.status.padEnd(21)}  ${v.lineage.algorithm.padEnd(22)}  ${metrics}  run ${v.lineage.runId}`,
        );
      }
    });
  models
    .command('show')
    .description('show one version: metrics, lineage, status history, deployments')
    .argument('<group>', 'model group')
    .argument('<version>', 'version number')
    .option('--json', 'print JSON')
    .addOption(backendOption())
    .addOption(regionOption())
    .action(async (group: string, versionText: string, options: ReadOptions) => {
      const version = versionNumber(versionText);
      const found = await registryOf(options).getVersion(group, version);
      if (!found)
        throw new UserError(
          `model group '${group}' has no version ${version}; 'ferry models list ${group}' shows what it has`,
        );
      if (options.json) return printJson(found);
      console.log(describeVersion(found));
    });
  models
    .command('audit')
    .description(
      "re-verify a version's decision record: its approval policy, the hash chain of its decision trail, and the trail against the run's own history",
    )
    .argument('<group>', 'model group')
    .argument('<version>', 'version number')
    .addOption(backendOption())
    .addOption(regionOption())
    .action(async (group: string, versionText: string, options: ReadOptions) => {
      const registry = registryOf(options);
      const found = await registry.getVersion(group, versionNumber(versionText));
      if (!found) throw new UserError(`model group '${group}' has no version ${versionText}`);
      const audit = auditVersion({
        group,
        version: found.version,
        policy: found.policy,
        trail: found.decisionTrail,
        policyRevisions: await registry.listPolicyRevisions(group),
        runTrail: await recordedTrail(found.lineage.runId),
      });
      print(`audit of ${group} version ${found.version} (run ${found.lineage.runId}):`);
      for (const line of audit.lines) print(`  ${line}`);
      if (!audit.isIntact) {
        throw new UserError(
          `the decision record of ${group} version ${found.version} does not verify; treat its approval as unproven`,
          EXIT_AUDIT_FAILED,
        );
      }
    });
}

/** A failed audit: the record was changed after it was written. */
const EXIT_AUDIT_FAILED = 1;

/**
 * The decision trail as the run's history holds it (its result, or its
 * summary while it runs): what someone who can edit the registry cannot
 * rewrite. Undefined when Temporal cannot be reached or the run is gone.
 */
async function recordedTrail(runId: string): Promise<DecisionTrailEntry[] | undefined> {
  const connected = await connectClient().catch(() => undefined);
  if (!connected) return undefined;
  try {
    const handle = connected.client.workflow.getHandle(runId);
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') {
      return ((await handle.result()) as PipelineResult).decisionTrail ?? [];
    }
    if (status.name === 'RUNNING') return (await handle.query(summaryQuery)).decisionTrail;
    return undefined;
  } catch {
    return undefined;
  } finally {
    await connected.close();
  }
}

function versionNumber(text: string): number {
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1)
    throw new UserError(`version '${text}' is not a version number; give 1, 2, ...`);
  return version;
}

function describeVersion(v: ModelVersion): string {
  const lines = [
    `${v.group} version ${v.version}: ${v.status} (registered ${v.createdAt})`,
    'metrics:',
    ...Object.entries(v.metrics).map(
      ([name, value]) => `  ${name.padEnd(12)} ${formatMetric(value)}`,
    ),
    'lineage:',
    `  run          ${v.lineage.runId} (candidate ${v.lineage.candidateId})`,
    `  algorithm    ${v.lineage.algorithm} ${JSON.stringify(v.lineage.hyperparameters)}`,
    `  dataset      sha256 ${v.lineage.datasetFingerprint}`,
    `  config       sha256 ${v.lineage.configHash}`,
    `  artifact     ${v.lineage.artifactPath} (sha256 ${v.lineage.artifactSha256})`,
    'status history:',
    ...v.statusHistory.map(
      (change) => `  ${change.at}  ${change.status.padEnd(21)}  by ${change.by}: ${change.reason}`,
    ),
    `approval policy: ${v.policy ? describePolicyInForce(v.policy) : 'not recorded'}`,
    `decision trail: ${v.decisionTrail.length === 0 ? 'none' : `${v.decisionTrail.length} entries (ferry models audit ${v.group} ${v.version} re-verifies them)`}`,
    ...v.decisionTrail.map(
      (entry) =>
        `  ${entry.at}  ${entry.action.padEnd(7)}  ${entry.accepted ? 'accepted' : 'refused '}  ${deciderOf(entry)}${entry.reason ? `: ${entry.reason}` : entry.message ? `: ${entry.message}` : ''}`,
    ),
    `deployments: ${v.deployments.length === 0 ? 'none' : ''}`,
    ...v.deployments.map((d) => `  ${d.at}  ${d.action} on ${d.endpoint}: ${d.detail}`),
  ];
  // Each line escaped on its own: a reason or a name cannot start a line of its own.
  return lines.map(terminalSafe).join('\n');
}
