import path from 'node:path';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import {
  readLiveDevServerRecord,
  removeDevServerRecord,
  writeDevServerRecord,
} from '../temporal/dev-server-record';

export interface LocalServer extends DevServer {
  /** Whether this process started it (and so stops it). */
  isOwned: boolean;
}

export interface LocalServerOptions {
  host?: string;
  port?: number;
  uiPort?: number;
}

/**
 * The Temporal server a local command talks to: TEMPORAL_ADDRESS, a running
 * `ferry dev`'s server, or (when `startIfMissing`) a dev server of its own on
 * `<home>/temporal.db`, recorded so other ferry commands find it.
 */
export async function findOrStartServer(
  home: string,
  options: LocalServerOptions & { log: (line: string) => void },
): Promise<LocalServer | undefined> {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external !== undefined && external !== '') {
    options.log(`Using the Temporal server at TEMPORAL_ADDRESS (${external}); not starting one.`);
    return { address: external, pid: 0, isOwned: false, stop: () => Promise.resolve() };
  }
  const running = readLiveDevServerRecord(home);
  if (running) return undefined;
  options.log('Starting the Temporal dev server...');
  const server = await startDevServer({
    dbFile: path.join(home, 'temporal.db'),
    logFile: path.join(home, 'logs', 'temporal-server.log'),
    host: options.host,
    port: options.port,
    uiPort: options.uiPort,
  });
  writeDevServerRecord(home, {
    address: server.address,
    uiUrl: server.uiUrl,
    ownerPid: process.pid,
    serverPid: server.pid,
  });
  return {
    ...server,
    isOwned: true,
    async stop() {
      await server.stop();
      removeDevServerRecord(home);
    },
  };
}
