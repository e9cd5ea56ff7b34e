import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { personNameSchema } from '../policy/approval-policy';
import type { OidcConfig } from './oidc-config';

/** What an ID token proved: its person, or why it proves nothing (`status` 503: the provider, not the token). */
export type IdTokenCheck =
  { ok: true; person: string } | { ok: false; status: 401 | 503; code: string; reason: string };

/** The algorithms identity providers sign ID tokens with; anything else (`none`, HS256 with a public key) is refused. */
const ALGORITHMS = ['RS256', 'ES256'];
/** Clocks of the provider and this server may differ by this much. */
const CLOCK_TOLERANCE_SECONDS = 60;
const DISCOVERY_TIMEOUT_MS = 5_000;

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

/**
 * Checks OIDC ID tokens of one identity provider with jose: signature by
 * one of the provider's keys (its JWKS, fetched and cached by
 * createRemoteJWKSet), iss, aud, exp, and the claim that names the person.
 * Every refusal says what was wrong and never repeats the token.
 */
export class IdTokenVerifier {
  private keys?: Promise<JWTVerifyGetKey>;

  constructor(private readonly config: OidcConfig) {}

  get issuer(): string {
    return this.config.issuer;
  }

  /** Whether a bearer token is shaped as a JWT at all (not verified): only those are worth checking. */
  static isJwt(token: string): boolean {
    try {
      decodeJwt(token);
      return true;
    } catch {
      return false;
    }
  }

  async personOf(token: string): Promise<IdTokenCheck> {
    const { issuer, audience, personClaim } = this.config;
    // The unverified iss decides nothing; it only spares a key fetch for tokens of other issuers.
    if (decodeJwt(token).iss !== issuer) {
      return refuse(
        `the ID token is not from this server's identity provider; sign in with ${issuer} (FERRY_API_OIDC_ISSUER) and send its ID token`,
      );
    }
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.keySet();
    } catch (error) {
      return unavailable(`its configuration could not be read (${messageOf(error)})`);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return whyRefused(error, this.config);
    }
    const person = payload[personClaim];
    if (person === undefined) {
      return refuse(
        `the ID token has no '${personClaim}' claim to name the person (FERRY_API_OIDC_PERSON_CLAIM); ask for a token with that claim (for email, the 'email' scope), or set FERRY_API_OIDC_PERSON_CLAIM to a claim the provider sends`,
      );
    }
    if (typeof person !== 'string' || !personNameSchema.safeParse(person).success) {
      return refuse(
        `the ID token's '${personClaim}' claim is not a person name (letters, digits, . _ @ -); set FERRY_API_OIDC_PERSON_CLAIM to a claim that holds one`,
      );
    }
    // An address the provider has not verified could be anyone's (some providers send the flag as text).
    const verified = payload.email_verified;
    if (personClaim === 'email' && (verified === false || verified === 'false')) {
      return refuse(
        "the ID token's email is not verified by the identity provider (email_verified is false); verify the address with the provider, then sign in again",
      );
    }
    return { ok: true, person };
  }

  /**
   * The provider's key set: FERRY_API_OIDC_JWKS_URL, or the jwks_uri of its
   * openid-configuration, fetched once. A failed discovery is forgotten,
   * so the next request tries again instead of the server staying broken.
   */
  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.jwksUrl()
      .then((url) => createRemoteJWKSet(url))
      .catch((error: unknown) => {
        this.keys = undefined;
        throw error;
      });
    return this.keys;
  }

  private async jwksUrl(): Promise<URL> {
    if (this.config.jwksUrl) return new URL(this.config.jwksUrl);
    const where = `${this.config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(where, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`GET ${where} answered ${response.status}`);
    const parsed = discoverySchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new Error(`${where} has no jwks_uri; set FERRY_API_OIDC_JWKS_URL`);
    // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
    if (parsed.data.issuer !== this.config.issuer) {
      throw new Error(
        `${where} names issuer ${parsed.data.issuer}, not ${this.config.issuer}; set FERRY_API_OIDC_ISSUER to the issuer exactly as the provider writes it`,
      );
    }
    return new URL(parsed.data.jwks_uri);
  }
}

function refuse(reason: string): IdTokenCheck {
  return { ok: false, status: 401, code: 'Unauthorized', reason };
}

function unavailable(why: string): IdTokenCheck {
  return {
    ok: false,
    status: 503,
    code: 'IdentityProviderUnavailable',
    reason: `the identity provider's keys could not be fetched to check the ID token: ${why}; retry, and if it persists check FERRY_API_OIDC_ISSUER and FERRY_API_OIDC_JWKS_URL`,
  };
}

/** jose's failure in words a person can act on; a provider that cannot be reached is not the token's fault. */
function whyRefused(error: unknown, config: OidcConfig): IdTokenCheck {
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    const when = typeof exp === 'number' ? ` at ${new Date(exp * 1000).toISOString()}` : '';
    return refuse(`the ID token expired${when}; sign in again for a fresh one`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud':
        return refuse(
          `the ID token is for another audience, not this API; get one issued for client id ${config.audience} (FERRY_API_OIDC_AUDIENCE)`,
        );
      case 'iss':
        return refuse(`the ID token is not from ${config.issuer} (FERRY_API_OIDC_ISSUER)`);
      case 'nbf':
        return refuse("the ID token is not valid yet (nbf); check this server's clock");
      case 'exp':
        return refuse('the ID token has no valid expiry (exp); an ID token must have one');
      default:
        return refuse(`the ID token's '${error.claim}' claim is not valid (${error.reason})`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return refuse(
      `the ID token is signed with an algorithm this API refuses; it accepts ${ALGORITHMS.join(', ')}`,
    );
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWSSignatureVerificationFailed
  ) {
    return refuse(
      `the ID token's signature does not verify with ${config.issuer}'s keys; it was not issued by that provider, or was changed`,
    );
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSENotSupported
  ) {
    return refuse(
      'the ID token is malformed; send the ID token exactly as the identity provider issued it',
    );
  }
  return unavailable(messageOf(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
