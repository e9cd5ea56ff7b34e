import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors';
import type { TokenBook } from './api-tokens';

/**
 * Who may call a route: `write` always needs a token (it changes state, and
 * the token's person is who acts); `read` needs one when the server is told
 * so (FERRY_API_READS=token, the default); `open` never does (health, the
 * OpenAPI document).
 */
export type Access = 'write' | 'read' | 'open';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** The person of the request's bearer token, once checked. */
    person?: string;
  }
}

/** The OpenAPI security requirement of a route with this access, for its schema. */
export function securityFor(access: Access, readsNeedToken: boolean) {
  const needsToken = access === 'write' || (access === 'read' && readsNeedToken);
  return needsToken ? { security: [{ bearerAuth: [] }] } : {};
}

/**
 * Checks the bearer token before the body is even read, so a caller without
 * a token learns nothing about what it sent (401 comes before 400 or 413).
 * Routes without an `access` are treated as writes: forgetting to mark one
 * fails closed.
 */
export function installAuth(
  app: FastifyInstance,
  tokens: TokenBook,
  options: { readsNeedToken: boolean },
): void {
  app.decorateRequest('person', undefined);
  app.addHook('onRequest', (request, _reply, done) => {
    done(check(request));
  });

  function check(request: FastifyRequest): ApiError | undefined {
    // 404s (no route) carry no config; they reveal nothing, so they need no token.
    if (request.is404) return undefined;
    const access = request.routeOptions.config.access ?? 'write';
    if (access === 'open') return undefined;
    const person = personOf(request, tokens);
    if (person !== undefined) {
      request.person = person;
      return undefined;
    }
    if (access === 'read' && !options.readsNeedToken) return undefined;
    return new ApiError(401, 'Unauthorized', whyUnauthorized(request));
  }
}

function whyUnauthorized(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
  if (header === undefined)
    return `${route} needs a bearer token: send 'Authorization: Bearer <token>' with a token from FERRY_API_TOKENS`;
  if (!BEARER.test(header))
    return "the Authorization header is not 'Bearer <token>'; send the token from FERRY_API_TOKENS that way";
  return 'the bearer token is not one this server knows; use a token from FERRY_API_TOKENS';
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The person a request speaks for; undefined without a valid token. */
function personOf(request: FastifyRequest, tokens: TokenBook): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : BEARER.exec(header);
  return match?.[1] === undefined ? undefined : tokens.personFor(match[1]);
}

/** The acting person of a write route; installAuth has made sure there is one. */
export function actingPerson(request: FastifyRequest): string {
  if (request.person === undefined) {
    throw new ApiError(401, 'Unauthorized', 'this route needs a bearer token');
  }
  return request.person;
}
