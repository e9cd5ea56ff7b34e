import { UserError } from '../shared/user-error';

/**
 * The CLI as a client of Ferry's HTTP API: when FERRY_API_URL is set,
 * `ferry run`, `approve`, `reject` and `policy` go through it, and the API
 * decides who the caller is from FERRY_API_TOKEN (a bearer token, or an ID
 * token from the organisation's identity provider).
 */
export interface ApiTarget {
  url: string;
  token: string;
}

/** The API to go through, or undefined to work on this machine directly. */
export function apiTarget(env: NodeJS.ProcessEnv = process.env): ApiTarget | undefined {
  const url = env.FERRY_API_URL?.trim();
  if (!url) return undefined;
  const token = env.FERRY_API_TOKEN?.trim();
  if (!token) {
    throw new UserError(
      'FERRY_API_URL is set but FERRY_API_TOKEN is not; set it to your API token (or an ID token), or unset FERRY_API_URL to work on this machine',
    );
  }
  return { url: url.replace(/\/+$/, ''), token };
}

/** One request; a refusal becomes a UserError with the API's own words. */
export async function callApi<T>(
  target: ApiTarget,
  method: 'GET' | 'POST' | 'PUT',
  route: string,
  body?: unknown,
  refusedExitCode?: number,
): Promise<T> {
  const response = await fetch(`${target.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${target.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((error: unknown) => {
    throw new UserError(
      `cannot reach Ferry's API at ${target.url} (${(error as Error).message}); check FERRY_API_URL`,
    );
  });
  const payload = (await response.json().catch(() => ({}))) as {
    code?: string;
    message?: string;
  };
  if (!response.ok) {
    const code = response.status === 409 ? refusedExitCode : undefined;
    throw new UserError(
      `${method} ${route}: ${response.status} ${payload.code ?? ''}: ${payload.message ?? response.statusText}`.replace(
        /  +/g,
        ' ',
      ),
      code,
    );
  }
  return payload as T;
}
