import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { readLiveDevServerRecord } from '../../temporal/dev-server-record';
import { findOrStartServer, type LocalServer } from '../local-server';
import { ferryHome } from '../../shared/project-paths';
import { installWorkerLogging } from '../../temporal/worker-logging';
import { createFerryWorkers } from '../../worker';
import { localEndpointHost, stopBackendProcesses } from '../../backends/compose-backends';
import { UserError } from '../../shared/user-error';
import { scheduleDevReconcile } from '../dev-reconcile-schedule';

interface DevOptions {
  host: string;
  port?: string;
  uiPort?: string;
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description(
      'run a Temporal dev server (with its UI) and a Ferry worker in the foreground; Ctrl-C stops both',
    )
    .option('--host <ip>', 'address the server and UI bind to', '127.0.0.1')
    .option('--port <port>', 'gRPC port (default: a free port)')
    .option('--ui-port <port>', 'Temporal UI port (default: a free port)')
    .action(async (options: DevOptions) => {
      await runDev(options);
    });
}

async function runDev(options: DevOptions): Promise<void> {
  const home = ferryHome();
  mkdirSync(home, { recursive: true });
  const server = await startOrReuseServer(home, options);
  installWorkerLogging();
  const connection = await NativeConnection.connect({ address: server.address });
  // Both queues from one process: control work and training on this machine.
  const worker = await createFerryWorkers({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE,
    role: 'all',
  });
  // The host restores the endpoints it served before a restart.
  const host = await localEndpointHost.ensure(home);
  const reconcile = await scheduleDevReconcile(server.address, process.env.TEMPORAL_NAMESPACE);

  console.log(`Temporal server  ${server.address}`);
  if (server.uiUrl) console.log(`Temporal UI      ${server.uiUrl}`);
  console.log(
    `Worker           polling task queues ${worker.taskQueues.map((q) => `'${q}'`).join(', ')}`,
  );
  console.log(
    `Endpoint host    ${host.url} (endpoints keep serving after Ctrl-C; \`ferry endpoints list\`)`,
  );
  console.log(`Reconcile        ${reconcile}`);
  console.log(`State            ${home}`);
  console.log('Press Ctrl-C to stop.');

  let isStopping = false;
  const stop = () => {
    if (isStopping) return;
    isStopping = true;
    console.log('Stopping worker and server...');
    worker.shutdown();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await worker.run();
  } finally {
    await stopBackendProcesses();
    await connection.close();
    await server.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  console.log('Stopped.');
}

async function startOrReuseServer(home: string, options: DevOptions): Promise<LocalServer> {
  const server = await findOrStartServer(home, {
    host: options.host,
    port: parsePort(options.port, '--port'),
    uiPort: parsePort(options.uiPort, '--ui-port'),
    log: (line) => console.log(line),
  });
  if (!server) {
    const running = readLiveDevServerRecord(home);
    throw new UserError(
      `ferry dev is already running for ${home} (pid ${running?.ownerPid ?? '?'}, server ${running?.address ?? '?'}); stop it with Ctrl-C, or set FERRY_HOME to use another folder`,
    );
  }
  return server;
}

function parsePort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new UserError(`${flag} ${text} is not a port; give a number from 1 to 65535`);
  }
  return port;
}
