import { Client, Connection } from '@temporalio/client';
import { readLiveDevServerRecord } from './dev-server-record';
import { ferryHome } from './project-paths';
import { DEFAULT_NAMESPACE } from './task-queues';

export class NoTemporalServer extends Error {
  readonly type = 'NoTemporalServer';
}

/** TEMPORAL_ADDRESS, else the server of a running `ferry dev` for this FERRY_HOME. */
export function resolveTemporalAddress(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_ADDRESS) return env.TEMPORAL_ADDRESS;
  const record = readLiveDevServerRecord(ferryHome(env));
  if (record) return record.address;
  throw new NoTemporalServer(
    `no Temporal server to talk to: start one with 'ferry dev' in another terminal (same folder or FERRY_HOME), or set TEMPORAL_ADDRESS`,
  );
}

export async function connectClient(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const address = resolveTemporalAddress(env);
  const connection = await Connection.connect({ address, connectTimeout: 5_000 }).catch(
    (error: unknown) => {
      throw new NoTemporalServer(
        `cannot reach the Temporal server at ${address} (${error instanceof Error ? error.message : String(error)}); is 'ferry dev' running?`,
      );
    },
  );
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE ?? DEFAULT_NAMESPACE });
  return { client, close: () => connection.close() };
}
