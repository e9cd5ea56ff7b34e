import type { Command } from 'commander';
import type { EndpointDescription, ScalingActivity } from '../../backends/hosting';
import { LocalHostingClient } from '../../backends/local/hosting/hosting-client';
import { ferryHome } from '../../temporal/project-paths';
import { UserError } from '../exit-codes';
import { scalingTarget, versionRef } from '../../text/release-words';

const RECENT_ACTIVITIES = 5;

export function registerEndpoints(program: Command): void {
  const endpoints = program
    .command('endpoints')
    .description('local endpoints: versions, replicas, scaling policy and activity');
  endpoints
    .command('list')
    .description('list endpoints with their version, replicas, policy and recent scaling activity')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const hosting = new LocalHostingClient(ferryHome());
      const all = await hosting.list();
      const withActivity = await Promise.all(
        all.map(async (endpoint) => ({
          endpoint,
          activities: (await hosting.scalingActivities(endpoint.name)).slice(-RECENT_ACTIVITIES),
        })),
      );
      if (options.json) return console.log(JSON.stringify(withActivity, null, 2));
      if (all.length === 0) {
        return console.log('no endpoints; an approved run deploys one (`ferry demo` shows how)');
      }
      for (const { endpoint, activities } of withActivity) {
        console.log(describeEndpoint(endpoint, activities));
      }
    });
  endpoints
    .command('delete')
    .description('stop serving an endpoint and forget it')
    .argument('<name>', 'endpoint name')
    .action(async (name: string) => {
      if (!(await new LocalHostingClient(ferryHome()).delete(name))) {
        throw new UserError(
          `endpoint ${name} does not exist; \`ferry endpoints list\` shows the ones that do`,
        );
      }
      console.log(`deleted endpoint ${name}`);
    });
}

export function describeEndpoint(e: EndpointDescription, activities: ScalingActivity[]): string {
  const version = e.current ? versionRef(e.current.model) : 'none yet';
  const ready = e.replicas.filter((r) => r.state === 'ready').length;
  const p = e.policy;
  const lines = [
    `${e.name}  ${e.status}  ${version}  ${e.url}`,
    `  replicas   ${ready} ready of ${e.desiredReplicas} desired (${e.replicas.length} processes)`,
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
  return lines.join('\n');
}
