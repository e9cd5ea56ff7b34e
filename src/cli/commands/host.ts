import type { Command } from 'commander';
import { localEndpointHost } from '../../backends/compose-backends';
import { ferryHome } from '../../shared/project-paths';

export function registerHost(program: Command): void {
  program
    .command('host')
    .description(
      "serve this home's local endpoints (routers, replicas, autoscaler) until stopped; `ferry dev`, `ferry demo` and deployments start it when none runs",
    )
    .option(
      '--bind <ip>',
      'address routers and the control API bind to (default: FERRY_BIND_HOST, then 127.0.0.1)',
    )
    .option('--exit-with-parent', 'stop when the process that started this one ends')
    .action(async (options: { bind?: string; exitWithParent?: boolean }) => {
      await localEndpointHost.run({
        home: ferryHome(),
        bindHost: options.bind,
        exitWithParent: options.exitWithParent ?? false,
      });
      // Keep serving: the routers and the control API hold the event loop open.
    });
}
