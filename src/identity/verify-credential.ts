import { decodeJwt, errors, jwtVerify, type CryptoKey } from 'jose';
import {
  BINDING_CLAIM,
  CREDENTIAL_AUDIENCE,
  MAX_CREDENTIAL_LIFETIME_SECONDS,
  credentialBindingSchema,
  type CredentialBinding,
  type CredentialCheck,
} from './credential-binding';
import { hasUnsafeCharacter } from '../config/unsafe-characters';
import { elided } from '../text/bounded-text';
import { SIGNING_ALG } from './key-files';
import { unsealCredential } from './sealing';
import type { TrustedIssuers } from './trusted-issuers';

/** What a worker needs to check a credential: the issuers it believes and its unsealing key. */
export interface CredentialVerifier {
  trust: TrustedIssuers;
  unsealingKey: CryptoKey;
}

/** What the workflow expects the credential to allow: everything but the message, which the token brings. */
export type ExpectedBinding = Omit<CredentialBinding, 'message'>;

/** The longest subject, token id or quoted issuer a check gives back. */
const MAX_NAME_CHARS = 256;

/** Clocks of issuers and workers disagree by this much at most. */
const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Checks a sealed credential for one action: it opens with this worker's
 * key, is signed by an issuer the worker trusts, is addressed to Ferry, was
 * valid at `presentedAt` (when the run received it, not when a busy worker
 * got to it) and lives at most an hour, and is bound to exactly the
 * expected run, model group, version, action and pipeline file. A refusal
 * is data, not an exception: it is the person's mistake, not the worker's.
 */
export async function verifyCredential(
  sealed: string,
  expected: ExpectedBinding,
  verifier: CredentialVerifier,
  presentedAt: Date,
): Promise<CredentialCheck> {
  const refuse = (reason: string): CredentialCheck => ({ ok: false, reason });
  let token: string;
  try {
    token = await unsealCredential(sealed, verifier.unsealingKey);
  } catch {
    return refuse(
      "the credential was not sealed for this worker's key (it is malformed, or issued for other workers); ask Ferry's API or `ferry approve` for a new one",
    );
  }
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return refuse('the sealed content is not a signed token (JWT)');
  }
  const keys = issuer === undefined ? undefined : verifier.trust.keysFor(issuer);
  if (issuer === undefined || keys === undefined) {
    return refuse(
      `the credential's issuer ${JSON.stringify(elided(issuer ?? '(none)', MAX_NAME_CHARS))} is not one this worker trusts (trusted: ${verifier.trust.names.join(', ') || 'none'})`,
    );
  }
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer,
      audience: CREDENTIAL_AUDIENCE,
      algorithms: [SIGNING_ALG],
      currentDate: presentedAt,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
    }));
  } catch (error) {
    return refuse(whyNotVerified(error, issuer));
  }
  const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
  if (lifetime > MAX_CREDENTIAL_LIFETIME_SECONDS) {
    return refuse(
      `the credential lives ${lifetime} s; Ferry accepts at most ${MAX_CREDENTIAL_LIFETIME_SECONDS} s: ask for a short-lived one`,
    );
  }
  const binding = credentialBindingSchema.safeParse(payload[BINDING_CLAIM]);
  if (!binding.success) return refuse(`the credential has no valid "${BINDING_CLAIM}" claim`);
  const mismatch = bindingMismatch(binding.data, expected);
  if (mismatch) return refuse(mismatch);
  const unusable = unusableIdentity(payload.sub ?? '', payload.jti ?? '');
  if (unusable) return refuse(unusable);
  return {
    ok: true,
    subject: payload.sub ?? '',
    issuer,
    tokenId: payload.jti ?? '',
    issuedAt: new Date((payload.iat ?? 0) * 1000).toISOString(),
    expiresAt: new Date((payload.exp ?? 0) * 1000).toISOString(),
    message: binding.data.message ?? '',
  };
}

/**
 * Why a verified token's subject or id cannot go in a trail, or undefined.
 * Even a trusted issuer's claims are bounded: a run keeps them, the
 * terminal and the report print them.
 */
function unusableIdentity(subject: string, tokenId: string): string | undefined {
  if (subject.length === 0 || subject.length > MAX_NAME_CHARS || hasUnsafeCharacter(subject))
    return `the credential's subject is not a usable person name (1 to ${MAX_NAME_CHARS} characters, no control characters or bidi overrides); ask its issuer's admin`;
  if (tokenId.length > MAX_NAME_CHARS || hasUnsafeCharacter(tokenId))
    return `the credential's id ("jti") is longer than ${MAX_NAME_CHARS} characters or holds control characters or bidi overrides`;
  return undefined;
}

function whyNotVerified(error: unknown, issuer: string): string {
  if (error instanceof errors.JWTExpired) return 'the credential has expired; ask for a new one';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return `the credential's signature does not match ${issuer}'s keys: it was forged or altered`;
  if (error instanceof errors.JWKSNoMatchingKey)
    return `the credential was signed with a key ${issuer} does not publish`;
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the credential's "${error.claim}" claim is not valid: ${error.reason}`;
  if (error instanceof errors.JOSEError) return `the credential does not verify (${error.code})`;
  return `the credential does not verify: ${error instanceof Error ? error.message : String(error)}`;
}

function bindingMismatch(bound: CredentialBinding, expected: ExpectedBinding): string | undefined {
  if (bound.action !== expected.action)
    return `the credential is for "${bound.action}", not "${expected.action}"`;
  if (bound.runId !== expected.runId)
    return `the credential is for run ${bound.runId}, not this run (${expected.runId})`;
  if (bound.group !== expected.group)
    return `the credential is for model group ${bound.group}, not ${expected.group}`;
  if (bound.version !== expected.version)
    return `the credential is for version ${bound.version ?? '(none)'} of ${bound.group}, not version ${expected.version ?? '(none)'}`;
  if (bound.configSha256 !== expected.configSha256)
    return 'the credential was issued for another pipeline file than the one this run was started with';
  return undefined;
}
