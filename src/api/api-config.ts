import { UserError } from '../shared/user-error';
import { ApiTokensInvalid, parseApiTokens, type ApiToken } from './api-tokens';

const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** How `ferry api` is configured: environment first, command-line options over it. */
export interface ApiConfig {
  tokens: ApiToken[];
  readsNeedToken: boolean;
  host: string;
  port: number;
  bodyLimitBytes: number;
}

/**
 * Reads FERRY_API_TOKENS, FERRY_API_READS, FERRY_API_HOST, FERRY_API_PORT and
 * FERRY_API_BODY_LIMIT_BYTES. A bad value stops the start with a message
 * naming the variable, never its secret content.
 */
export function readApiConfig(
  env: NodeJS.ProcessEnv,
  overrides: { host?: string; port?: string } = {},
): ApiConfig {
  const tokensText = env.FERRY_API_TOKENS;
  if (tokensText === undefined || tokensText.trim() === '') {
    throw new UserError(
      'FERRY_API_TOKENS is not set: every change over the API needs a bearer token; set it to comma-separated person:token pairs, such as alice:$(openssl rand -hex 16)',
    );
  }
  let tokens: ApiToken[];
  try {
    tokens = parseApiTokens(tokensText);
  } catch (error) {
    if (error instanceof ApiTokensInvalid) throw new UserError(error.message);
    throw error;
  }
  // Empty counts as unset: docker compose passes a listed variable through empty.
  const reads = env.FERRY_API_READS || 'token';
  if (reads !== 'open' && reads !== 'token') {
    throw new UserError(
      `FERRY_API_READS is '${reads}'; set it to 'token' (reads need a token, the default) or 'open'`,
    );
  }
  return {
    tokens,
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
  };
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
