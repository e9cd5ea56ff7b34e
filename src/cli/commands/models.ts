import type { Command } from 'commander';
import type { ModelVersion } from '../../backends/registry';
import { backendOption, regionOption, registryOf, type BackendChoice } from '../backend-option';
import { UserError } from '../../shared/user-error';
import { formatMetric } from '../../text/numbers';

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
      if (options.json) return console.log(JSON.stringify(versions, null, 2));
      if (versions.length === 0)
        throw new UserError(
          `model group '${group}' has no versions yet; a run registers its winner there`,
        );
      for (const v of versions) {
        const metrics = Object.entries(v.metrics)
          .slice(0, 4)
          .map(([name, value]) => `${name}=${formatMetric(value)}`)
          .join(' ');
        console.log(
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
      const version = Number(versionText);
      if (!Number.isInteger(version) || version < 1)
        throw new UserError(`version '${versionText}' is not a version number; give 1, 2, ...`);
      const found = await registryOf(options).getVersion(group, version);
      if (!found)
        throw new UserError(
          `model group '${group}' has no version ${version}; 'ferry models list ${group}' shows what it has`,
        );
      if (options.json) return console.log(JSON.stringify(found, null, 2));
      console.log(describeVersion(found));
    });
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
    `deployments: ${v.deployments.length === 0 ? 'none' : ''}`,
    ...v.deployments.map((d) => `  ${d.at}  ${d.action} on ${d.endpoint}: ${d.detail}`),
  ];
  return lines.join('\n');
}
