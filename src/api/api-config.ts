import { parseDataRoots } from '../dataset/data-roots';
import { readDatasetLimits } from '../dataset/dataset-limits';
import { personNameSchema } from '../policy/approval-policy';
import { UserError } from '../shared/user-error';
import { ApiTokensInvalid, parseApiTokens, type ApiToken } from './api-tokens';
import { readOidcConfig, type OidcConfig } from './oidc-config';

const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** How `ferry api` is configured: environment first, command-line options over it. */
export interface ApiConfig {
  tokens: ApiToken[];
  /** People whose identities carry the admin role (they may change approval policies). */
  admins: string[];
  /** The identity provider whose ID tokens are accepted too; undefined: API tokens only. */
  oidc?: OidcConfig;
  readsNeedToken: boolean;
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** The folders posted pipelines' local datasets may come from; none: S3 URIs only. */
  dataRoots: string[];
}

/**
 * Reads the environment of `ferry api`. A bad value stops the start with a
 * message naming the variable, never its secret content.
 *   FERRY_API_TOKENS             person:token pairs, the bearer tokens (required without OIDC)
 *   FERRY_API_ADMINS             comma-separated person names with the admin role
 *   FERRY_API_READS              token (reads need a token, the default) or open
 *   FERRY_API_HOST, _PORT        where to listen (default 127.0.0.1, any free port)
 *   FERRY_API_BODY_LIMIT_BYTES   the largest request body (default 1 MiB)
 *   FERRY_DATA_ROOTS             folders local datasets may come from (unset: s3:// URIs only)
 *   FERRY_MAX_DATASET_BYTES, FERRY_DATASET_READ_TIMEOUT_MS   dataset read bounds (dataset-limits.ts)
 *   FERRY_API_OIDC_ISSUER        accept ID tokens of this identity provider too (oidc-config.ts)
 *   FERRY_API_OIDC_AUDIENCE      their aud: Ferry's client id (required with the issuer)
 *   FERRY_API_OIDC_JWKS_URL      its keys (default: discovered from the issuer)
 *   FERRY_API_OIDC_PERSON_CLAIM  the claim naming the person (default email)
 * The API's signing key and issuer name are read elsewhere (src/identity/machine-keys.ts).
 */
export function readApiConfig(
  env: NodeJS.ProcessEnv,
  overrides: { host?: string; port?: string } = {},
): ApiConfig {
  const oidc = readOidcConfig(env);
  // Read again by each POST /runs' dataset check; a bad value stops the start, not every request.
  readDatasetLimits(env);
  const tokens = readTokens(env.FERRY_API_TOKENS, oidc !== undefined);
  // Empty counts as unset: docker compose passes a listed variable through empty.
  const reads = env.FERRY_API_READS || 'token';
  if (reads !== 'open' && reads !== 'token') {
    throw new UserError(
      `FERRY_API_READS is '${reads}'; set it to 'token' (reads need a token, the default) or 'open'`,
    );
  }
  return {
    tokens,
    admins: parseAdmins(env.FERRY_API_ADMINS),
    ...(oidc ? { oidc } : {}),
    readsNeedToken: reads === 'token',
    host: overrides.host ?? (env.FERRY_API_HOST || DEFAULT_API_HOST),
    port: whole(overrides.port ?? (env.FERRY_API_PORT || '0'), {
      name: overrides.port === undefined ? 'FERRY_API_PORT' : '--port',
      max: 65_535,
      fix: 'give a port between 0 (any free port) and 65535',
    }),
    bodyLimitBytes: whole(env.FERRY_API_BODY_LIMIT_BYTES || String(DEFAULT_BODY_LIMIT_BYTES), {
      name: 'FERRY_API_BODY_LIMIT_BYTES',
      min: 1024,
      max: 1024 * 1024 * 1024,
      fix: 'give a size in bytes, such as 1048576 for 1 MiB',
    }),
    dataRoots: parseDataRoots(env.FERRY_DATA_ROOTS) ?? [],
  };
}

/** FERRY_API_TOKENS; it may be unset only when ID tokens can authenticate people instead. */
function readTokens(text: string | undefined, isOidcEnabled: boolean): ApiToken[] {
  if (text === undefined || text.trim() === '') {
    if (isOidcEnabled) return [];
    throw new UserError(
      'FERRY_API_TOKENS is not set: every change over the API needs a bearer token; set it to comma-separated person:token pairs, such as alice:$(openssl rand -hex 16), or set FERRY_API_OIDC_ISSUER and FERRY_API_OIDC_AUDIENCE to accept ID tokens of your identity provider',
    );
  }
  try {
    return parseApiTokens(text);
  } catch (error) {
    if (error instanceof ApiTokensInvalid) throw new UserError(error.message);
    throw error;
  }
}

/**
 * FERRY_API_ADMINS: comma-separated person names, the people whose
 * identities (API token or ID token alike) carry the admin role. Names are
 * not secrets, so a bad one is quoted.
 */
export function parseAdmins(text: string | undefined, variable = 'FERRY_API_ADMINS'): string[] {
  if (text === undefined || text.trim() === '') return [];
  const names = text.split(',').map((name) => name.trim());
  const problems = names.flatMap((name, index) => {
    if (name === '') return [`entry ${index + 1} is empty`];
    return personNameSchema.safeParse(name).success
      ? []
      : [`'${name}' (entry ${index + 1}) is not a person name`];
  });
  if (problems.length > 0) {
    throw new UserError(
      `${variable} is malformed: ${problems.join('; ')}; write comma-separated person names (letters, digits, . _ @ -, starting with a letter or digit), such as alice,carol@example.com`,
    );
  }
  return [...new Set(names)];
}

function whole(
  text: string,
  rule: { name: string; min?: number; max: number; fix: string },
): number {
  const value = Number(text);
  const min = rule.min ?? 0;
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > rule.max) {
    throw new UserError(`${rule.name} is '${text}', which is not allowed; ${rule.fix}`);
  }
  return value;
}
