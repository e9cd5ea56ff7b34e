import type { TokenBook } from './api-tokens';
import { IdTokenVerifier } from './id-token-verifier';

/** What an identity may do beyond reads and writes: admins also change approval policies. */
export type ApiRole = 'admin' | 'member';

/** Who a request speaks for, and how that was proven. */
export interface Identity {
  person: string;
  role: ApiRole;
  via: 'api-token' | 'id-token';
}

export type Authentication =
  { ok: true; identity: Identity } | { ok: false; status: 401 | 503; code: string; reason: string };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Turns an Authorization header into an identity: an API token of
 * FERRY_API_TOKENS first (compared in constant time, every one of them), else
 * an ID token of the configured identity provider. The role comes from the
 * person's name (FERRY_API_ADMINS), however they proved it.
 */
export class BearerIdentities {
  private readonly admins: ReadonlySet<string>;

  constructor(
    private readonly tokens: TokenBook,
    admins: readonly string[],
    private readonly idTokens?: IdTokenVerifier,
  ) {
    this.admins = new Set(admins);
  }

  roleOf(person: string): ApiRole {
    return this.admins.has(person) ? 'admin' : 'member';
  }

  /** `route` only words the refusal ("GET /runs needs a bearer token"). */
  async authenticate(header: string | undefined, route: string): Promise<Authentication> {
    if (header === undefined) return refuse(`${route} needs a bearer token: ${this.howTo()}`);
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      return refuse(`the Authorization header is not 'Bearer <token>'; ${this.howTo()}`);
    }
    const person = this.tokens.personFor(token);
    if (person !== undefined) return this.identified(person, 'api-token');
    if (!IdTokenVerifier.isJwt(token)) {
      return refuse(
        `the bearer token is not one this server knows; use a token from FERRY_API_TOKENS${this.idTokens ? ` or an ID token from ${this.idTokens.issuer}` : ''}`,
      );
    }
    if (!this.idTokens) {
      return refuse(
        'the bearer token looks like an ID token, and this server accepts none (FERRY_API_OIDC_ISSUER is not set); use a token from FERRY_API_TOKENS',
      );
    }
    const check = await this.idTokens.personOf(token);
    return check.ok ? this.identified(check.person, 'id-token') : check;
  }

  private identified(person: string, via: Identity['via']): Authentication {
    return { ok: true, identity: { person, role: this.roleOf(person), via } };
  }

  private howTo(): string {
    const idToken = this.idTokens ? ` or an ID token from ${this.idTokens.issuer}` : '';
    return `send 'Authorization: Bearer <token>' with a token from FERRY_API_TOKENS${idToken}`;
  }
}

function refuse(reason: string): Authentication {
  return { ok: false, status: 401, code: 'Unauthorized', reason };
}
