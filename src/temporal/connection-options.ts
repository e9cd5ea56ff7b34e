import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { DEFAULT_NAMESPACE } from './task-queues';

/**
 * Where and how to reach a Temporal cluster. `connection` goes as it is to
 * `Connection.connect` (the client) and to `NativeConnection.connect` (the
 * worker), so both always agree on address, TLS and API key.
 */
export interface TemporalConnectionSettings {
  connection: { address: string; tls?: TLSConfig; apiKey?: string };
  namespace: string;
}

/** A TEMPORAL_* variable that is missing its partner, unreadable or malformed. */
export class InvalidTemporalConnection extends Error {
  readonly type = 'InvalidTemporalConnection';
}

/**
 * The Temporal cluster named by the environment, or undefined when
 * TEMPORAL_ADDRESS is unset (callers then fall back to a local dev server, or
 * refuse). Reads:
 *
 * - `TEMPORAL_ADDRESS` host:port of the frontend
 * - `TEMPORAL_NAMESPACE` (default `default`)
 * - `TEMPORAL_TLS_CERT` + `TEMPORAL_TLS_KEY`: files of the mTLS client certificate and its key
 * - `TEMPORAL_TLS_CA`: file of the CA that signed the server's certificate
 * - `TEMPORAL_TLS_SERVER_NAME`: the name to check the server's certificate against
 * - `TEMPORAL_TLS`: `true` for TLS with none of the above (a server whose
 *   certificate the system trusts), `false` to refuse TLS
 * - `TEMPORAL_API_KEY`: a Temporal Cloud API key; turns TLS on
 *
 * An empty variable counts as unset, as docker compose passes `${VAR:-}`
 * through as an empty string.
 */
export function temporalConnectionFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnectionSettings | undefined {
  const vars = readVariables(env);
  if (vars.TEMPORAL_ADDRESS === undefined) return undefined;
  const apiKey = vars.TEMPORAL_API_KEY;
  const tls = tlsConfig(vars);
  return {
    connection: {
      address: vars.TEMPORAL_ADDRESS,
      ...(tls ? { tls } : {}),
      ...(apiKey !== undefined ? { apiKey } : {}),
    },
    namespace: temporalNamespace(env),
  };
}

/** TEMPORAL_NAMESPACE, else `default`. */
export function temporalNamespace(env: NodeJS.ProcessEnv = process.env): string {
  return nonEmpty(env.TEMPORAL_NAMESPACE) ?? DEFAULT_NAMESPACE;
}

/** One line for a log: address, namespace and how it authenticates; never the key itself. */
export function describeTemporalConnection(settings: TemporalConnectionSettings): string {
  const { address, tls, apiKey } = settings.connection;
  const security = [
    tls ? (tls.clientCertPair ? 'mTLS' : 'TLS') : 'no TLS',
    ...(apiKey !== undefined ? ['API key'] : []),
  ].join(', ');
  return `${address} (namespace ${settings.namespace}, ${security})`;
}

type Variables = ReturnType<typeof readVariables>;

// Each variable is read by name here (not through a helper taking the name),
// so a search of the sources for `env.` and a name finds every variable Ferry reads; the compose
// file's test relies on that.
function readVariables(env: NodeJS.ProcessEnv) {
  return {
    TEMPORAL_ADDRESS: nonEmpty(env.TEMPORAL_ADDRESS),
    TEMPORAL_API_KEY: nonEmpty(env.TEMPORAL_API_KEY),
    TEMPORAL_TLS: nonEmpty(env.TEMPORAL_TLS),
    TEMPORAL_TLS_CERT: nonEmpty(env.TEMPORAL_TLS_CERT),
    TEMPORAL_TLS_KEY: nonEmpty(env.TEMPORAL_TLS_KEY),
    TEMPORAL_TLS_CA: nonEmpty(env.TEMPORAL_TLS_CA),
    TEMPORAL_TLS_SERVER_NAME: nonEmpty(env.TEMPORAL_TLS_SERVER_NAME),
  };
}

const TLS_VARIABLES = [
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_SERVER_NAME',
] as const;

function tlsConfig(vars: Variables): TLSConfig | undefined {
  const forced = tlsSwitch(vars.TEMPORAL_TLS);
  const hasApiKey = vars.TEMPORAL_API_KEY !== undefined;
  const configured: string[] = TLS_VARIABLES.filter((name) => vars[name] !== undefined);
  if (forced === false) {
    const conflicts = [...configured, ...(hasApiKey ? ['TEMPORAL_API_KEY'] : [])];
    if (conflicts.length > 0) {
      throw new InvalidTemporalConnection(
        `TEMPORAL_TLS is false but ${conflicts.join(', ')} ${conflicts.length > 1 ? 'are' : 'is'} set, which needs TLS; unset TEMPORAL_TLS or ${conflicts.join(' and ')}`,
      );
    }
    return undefined;
  }
  // An API key travels in a request header: without TLS anyone on the path could read it.
  if (configured.length === 0 && !hasApiKey && forced !== true) return undefined;

  const { TEMPORAL_TLS_CERT: certPath, TEMPORAL_TLS_KEY: keyPath } = vars;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    const [present, missing] =
      certPath === undefined
        ? ['TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CERT']
        : ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'];
    throw new InvalidTemporalConnection(
      `${present} is set but ${missing} is not: mTLS needs both the client certificate (TEMPORAL_TLS_CERT) and its private key (TEMPORAL_TLS_KEY); set ${missing} to its file, or unset ${present}`,
    );
  }
  const caPath = vars.TEMPORAL_TLS_CA;
  const serverName = vars.TEMPORAL_TLS_SERVER_NAME;
  return {
    ...(certPath !== undefined && keyPath !== undefined
      ? {
          clientCertPair: {
            crt: readPemFile('TEMPORAL_TLS_CERT', certPath),
            key: readPemFile('TEMPORAL_TLS_KEY', keyPath),
          },
        }
      : {}),
    ...(caPath !== undefined
      ? { serverRootCACertificate: readPemFile('TEMPORAL_TLS_CA', caPath) }
      : {}),
    ...(serverName !== undefined ? { serverNameOverride: serverName } : {}),
  };
}

function tlsSwitch(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new InvalidTemporalConnection(
    `TEMPORAL_TLS is '${value}'; set it to true or false, or leave it unset (TLS is then on when a TEMPORAL_TLS_* variable or TEMPORAL_API_KEY is set)`,
  );
}

function readPemFile(variable: string, filePath: string): Buffer {
  let contents: Buffer;
  try {
    contents = readFileSync(filePath);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InvalidTemporalConnection(
      `${variable}: cannot read ${filePath} (${reason}); point ${variable} at a readable PEM file`,
    );
  }
  if (contents.length === 0) {
    throw new InvalidTemporalConnection(
      `${variable}: ${filePath} is empty; point ${variable} at a PEM file`,
    );
  }
  return contents;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
