import { UserError } from '../shared/user-error';

/** The organisation's identity provider, whose ID tokens the API accepts as bearer tokens. */
export interface OidcConfig {
  /** The `iss` its ID tokens carry, exactly (OIDC compares it as a string). */
  issuer: string;
  /** The `aud` they must name: the client id the provider gave Ferry. */
  audience: string;
  /** Where its signing keys are; undefined: discovered from the issuer's openid-configuration. */
  jwksUrl?: string;
  /** The claim that names the person (default `email`). */
  personClaim: string;
}

export const DEFAULT_PERSON_CLAIM = 'email';

/**
 * Reads FERRY_API_OIDC_ISSUER (enables ID tokens), FERRY_API_OIDC_AUDIENCE
 * (required with it), FERRY_API_OIDC_JWKS_URL (optional) and
 * FERRY_API_OIDC_PERSON_CLAIM (default email). Undefined when no issuer is
 * set: then only FERRY_API_TOKENS tokens are accepted.
 */
export function readOidcConfig(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  // Empty counts as unset, as for the other FERRY_API_* variables (docker compose passes them so).
  const issuer = env.FERRY_API_OIDC_ISSUER?.trim() || undefined;
  const audience = env.FERRY_API_OIDC_AUDIENCE?.trim() || undefined;
  const jwksUrl = env.FERRY_API_OIDC_JWKS_URL?.trim() || undefined;
  const personClaim = env.FERRY_API_OIDC_PERSON_CLAIM?.trim() || DEFAULT_PERSON_CLAIM;
  if (issuer === undefined) {
    const stray = ['FERRY_API_OIDC_AUDIENCE', 'FERRY_API_OIDC_JWKS_URL'].filter((name) =>
      env[name]?.trim(),
    );
    if (stray.length > 0) {
      throw new UserError(
        `${stray.join(' and ')} ${stray.length === 1 ? 'is' : 'are'} set but FERRY_API_OIDC_ISSUER is not; set it to your identity provider's issuer URL (such as https://accounts.example.com) to accept its ID tokens, or unset ${stray.join(' and ')}`,
      );
    }
    return undefined;
  }
  httpUrl(
    issuer,
    'FERRY_API_OIDC_ISSUER',
    "the identity provider's issuer URL, as its ID tokens carry it in iss",
  );
  if (audience === undefined) {
    throw new UserError(
      "FERRY_API_OIDC_AUDIENCE is not set, but FERRY_API_OIDC_ISSUER is: set it to the client id your identity provider gave Ferry (the ID tokens' aud), so tokens issued for other applications are refused",
    );
  }
  if (jwksUrl !== undefined) {
    httpUrl(
      jwksUrl,
      'FERRY_API_OIDC_JWKS_URL',
      "the URL of the identity provider's JSON Web Key Set, or unset it to discover it",
    );
  }
  if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(personClaim)) {
    throw new UserError(
      `FERRY_API_OIDC_PERSON_CLAIM is '${personClaim}', which is not a claim name; name the ID token claim that holds the person, such as email or preferred_username`,
    );
  }
  return { issuer, audience, ...(jwksUrl ? { jwksUrl } : {}), personClaim };
}

function httpUrl(text: string, variable: string, what: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new UserError(`${variable} is '${text}', which is not an http(s) URL; set it to ${what}`);
  }
}
