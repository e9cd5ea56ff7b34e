import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { parseApiTokens } from '../../../src/api/api-tokens';
import type { ApiErrorBody } from '../../../src/api/schemas';
import type { OidcConfig } from '../../../src/api/oidc-config';
import { buildApiServer } from '../../../src/api/server';
import type { CredentialIssuer } from '../../../src/identity/credential-issuer';
import { apiIssuer } from '../../../src/identity/machine-keys';

/** An API on its own Ferry home, for routes that never reach Temporal (policies, keys, auth). */
export interface TestApi {
  app: FastifyInstance;
  /** Where it listens, on 127.0.0.1 (jest cannot load light-my-request, so no `inject`). */
  baseUrl: string;
  home: string;
  issuer: CredentialIssuer;
  /** One real HTTP request: JSON in, status and JSON out. */
  call<T = ApiErrorBody>(
    method: string,
    route: string,
    options?: { token?: string; json?: unknown },
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

/**
 * The real server over a lazy Temporal client that never connects: the
 * routes under test read the registry and keys only. The issuer ignores the
 * environment, so a developer's FERRY_API_* cannot change what a test proves.
 */
export async function startTestApi(options: {
  tokens: string;
  admins?: string[];
  oidc?: OidcConfig;
  readsNeedToken?: boolean;
  logger?: FastifyServerOptions['logger'];
}): Promise<TestApi> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'ferry-api-unit-'));
  const issuer = await apiIssuer(home, {});
  const app = await buildApiServer({
    client: new Client(),
    taskQueue: 'ferry-unit-test',
    home,
    tokens: parseApiTokens(options.tokens),
    admins: options.admins,
    oidc: options.oidc,
    readsNeedToken: options.readsNeedToken ?? true,
    issuer,
    logger: options.logger,
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    baseUrl,
    home,
    issuer,
    async call<T>(method: string, route: string, call: { token?: string; json?: unknown } = {}) {
      const headers: Record<string, string> = {};
      if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
      if (call.json !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${baseUrl}${route}`, {
        method,
        headers,
        body: call.json === undefined ? undefined : JSON.stringify(call.json),
      });
      return {
        status: response.status,
        body: (await response.json()) as T,
        headers: response.headers,
      };
    },
  };
}
