import { Client, Connection } from '@temporalio/client';
import {
  InvalidTemporalConnection,
  temporalConnectionFromEnv,
  temporalNamespace,
  type TemporalConnectionSettings,
} from './connection-options';
import { readLiveDevServerRecord } from './dev-server-record';
import { ferryHome } from '../shared/project-paths';

export class NoTemporalServer extends Error {
  readonly type = 'NoTemporalServer';
}

export async function connectClient(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const settings = resolveConnection(env);
  const { address } = settings.connection;
  const hint = env.TEMPORAL_ADDRESS
    ? 'check TEMPORAL_ADDRESS and its TLS or API key settings'
    : "is 'ferry dev' running?";
  const connection = await Connection.connect({
    ...settings.connection,
    connectTimeout: 5_000,
  }).catch((error: unknown) => {
    throw new NoTemporalServer(
      `cannot reach the Temporal server at ${address} (${error instanceof Error ? error.message : String(error)}); ${hint}`,
    );
  });
  const client = new Client({ connection, namespace: settings.namespace });
  return { client, close: () => connection.close() };
}

/**
 * The cluster in TEMPORAL_ADDRESS (with its TLS or API key), else the running
 * `ferry dev` server: always plain, since it is ours and listens on loopback,
 * whatever TLS settings the shell holds for another cluster.
 */
function resolveConnection(env: NodeJS.ProcessEnv): TemporalConnectionSettings {
  const configured = fromEnv(env);
  if (configured) return configured;
  const record = readLiveDevServerRecord(ferryHome(env));
  if (record) return { connection: { address: record.address }, namespace: temporalNamespace(env) };
  throw new NoTemporalServer(
    `no Temporal server to talk to: start one with 'ferry dev' in another terminal (same folder or FERRY_HOME), or set TEMPORAL_ADDRESS`,
  );
}

function fromEnv(env: NodeJS.ProcessEnv): TemporalConnectionSettings | undefined {
  try {
    return temporalConnectionFromEnv(env);
  } catch (error) {
    // The CLI prints a NoTemporalServer's message alone, which is what a
    // misconfigured certificate or key deserves (not a stack trace).
    if (error instanceof InvalidTemporalConnection) throw new NoTemporalServer(error.message);
    throw error;
  }
}
