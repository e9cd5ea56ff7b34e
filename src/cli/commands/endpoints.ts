import type { Command } from 'commander';
import type { EndpointDescription, ScalingActivity } from '../../backends/hosting';
import { backendOption, hostingOf, regionOption, type BackendChoice } from '../backend-option';
import { UserError } from '../../shared/user-error';
import { scalingTarget, versionRef } from '../../text/release-words';
import { print, printJson } from '../print';
import { terminalSafe } from '../../text/safe-text';

const RECENT_ACTIVITIES = 5;

const NO_ENDPOINTS: Record<BackendChoice['backend'], string> = {
  local: 'no endpoints; an approved run deploys one (`ferry demo` shows how)',
  sagemaker:
    'no endpoints made by Ferry in this region; an approved run of a `backend: sagemaker` pipeline deploys one',
};

/** A local replica is a process; SageMaker reports instances. */
const REPLICA_UNIT: Record<BackendChoice['backend'], string> = {
  local: 'processes',
  sagemaker: 'instances',
};

export function registerEndpoints(program: Command): void {
  const endpoints = program
    .command('endpoints')
    .description(
      'endpoints (local, or SageMaker with --backend sagemaker): versions, replicas, scaling policy and activity',
    );
  endpoints
    .command('list')
    .description('list endpoints with their version, replicas, policy and recent scaling activity')
    .option('--json', 'print JSON')
    .addOption(backendOption())
    .addOption(regionOption())
    .action(async (options: BackendChoice & { json?: boolean }) => {
      const hosting = hostingOf(options);
      const all = await hosting.list();
      const withActivity = await Promise.all(
        all.map(async (endpoint) => ({
          endpoint,
          activities: (await hosting.scalingActivities(endpoint.name)).slice(-RECENT_ACTIVITIES),
        })),
      );
      if (options.json) return printJson(withActivity);
      if (all.length === 0) return console.log(NO_ENDPOINTS[options.backend]);
      for (const { endpoint, activities } of withActivity) {
        console.log(describeEndpoint(endpoint, activities, REPLICA_UNIT[options.backend]));
      }
    });
  endpoints
    .command('delete')
    .description('stop serving an endpoint and forget it')
    .argument('<name>', 'endpoint name')
    .addOption(backendOption())
    .addOption(regionOption())
    .action(async (name: string, options: BackendChoice) => {
      if (!(await hostingOf(options).delete(name))) {
        throw new UserError(
          `endpoint ${name} does not exist; \`ferry endpoints list\` shows the ones that do`,
        );
      }
      print(`deleted endpoint ${name}`);
    });
}

export function describeEndpoint(
  e: EndpointDescription,
  activities: ScalingActivity[],
  replicaUnit = 'processes',
): string {
  const version = e.current ? versionRef(e.current.model) : 'none yet';
  const ready = e.replicas.filter((r) => r.state === 'ready').length;
  const p = e.policy;
  const lines = [
    `${e.name}  ${e.status}  ${version}  ${e.url}`,
    `  replicas   ${ready} ready of ${e.desiredReplicas} desired (${e.replicas.length} ${replicaUnit})`,
    `  scaling    ${e.autoscaling ? 'on' : 'off'}: min ${p.minReplicas}, max ${p.maxReplicas}, ` +
      `target ${scalingTarget(p)}, ` +
      `cooldowns out ${p.scaleOutCooldownSeconds} s / in ${p.scaleInCooldownSeconds} s`,
  ];
  if (e.previous) {
    lines.push(`  previous   ${versionRef(e.previous.model)}`);
  }
  if (e.lastFailure) lines.push(`  last failure  ${e.lastFailure.reason}`);
  for (const a of activities) {
    lines.push(`  ${a.at}  ${a.fromReplicas} -> ${a.toReplicas}  ${a.cause}`);
  }
  // Each line escaped on its own: a name or a cause cannot start a line of its own.
  return lines.map(terminalSafe).join('\n');
}
