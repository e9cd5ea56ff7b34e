import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiRole, BearerIdentities } from './bearer-identity';
import { ApiError } from './errors';

/**
 * Who may call a route: `admin` needs a token whose person has the admin
 * role (FERRY_API_ADMINS: approval policies are theirs to change); `write`
 * always needs a token (it changes state, and the token's person is who
 * acts); `read` needs one when the server is told so (FERRY_API_READS=token,
 * the default); `open` never does (health, the OpenAPI document, the JWKS).
 */
export type Access = 'admin' | 'write' | 'read' | 'open';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** The person of the request's bearer token (API token or ID token), once checked. */
    person?: string;
    role?: ApiRole;
  }
}

/** The OpenAPI security requirement of a route with this access, for its schema. */
export function securityFor(access: Access, readsNeedToken: boolean) {
  const needsToken = access !== 'open' && (access !== 'read' || readsNeedToken);
  return needsToken ? { security: [{ bearerAuth: [] }] } : {};
}

/**
 * Checks the bearer token before the body is even read, so a caller without
 * a token learns nothing about what it sent (401 comes before 400 or 413).
 * Routes without an `access` are treated as writes: forgetting to mark one
 * fails closed. The hook is async: an ID token may need the provider's keys.
 */
export function installAuth(
  app: FastifyInstance,
  identities: BearerIdentities,
  options: { readsNeedToken: boolean },
): void {
  app.decorateRequest('person', undefined);
  app.decorateRequest('role', undefined);
  app.addHook('onRequest', async (request) => {
    // 404s (no route) carry no config; they reveal nothing, so they need no token.
    if (request.is404) return;
    const access = request.routeOptions.config.access ?? 'write';
    if (access === 'open') return;
    const needsToken = access !== 'read' || options.readsNeedToken;
    const header = request.headers.authorization;
    // An open read without a header is anonymous; there is nothing to check.
    if (!needsToken && header === undefined) return;
    const route = routeOf(request);
    const result = await identities.authenticate(header, route);
    if (result.ok) {
      request.person = result.identity.person;
      request.role = result.identity.role;
    } else if (needsToken) {
      throw new ApiError(result.status, result.code, result.reason);
    }
    if (access === 'admin' && request.role !== 'admin') {
      throw new ApiError(
        403,
        'Forbidden',
        `${route} needs the admin role, and ${request.person ?? 'the caller'} is a member; ask an admin to make the change, or to add ${request.person ?? 'you'} to FERRY_API_ADMINS`,
      );
    }
  });
}

function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}

/** The acting person of a write route; installAuth has made sure there is one. */
export function actingPerson(request: FastifyRequest): string {
  if (request.person === undefined) {
    throw new ApiError(401, 'Unauthorized', 'this route needs a bearer token');
  }
  return request.person;
}
