import { randomUUID } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import {
  BINDING_CLAIM,
  CREDENTIAL_AUDIENCE,
  CREDENTIAL_TTL_SECONDS,
  credentialBindingSchema,
  type CredentialBinding,
} from './credential-binding';
import { SIGNING_ALG, type KeyPair } from './key-files';
import { sealCredential } from './sealing';

/** Someone who vouches for people: the API (for whoever its tokens or the IdP authenticate) or a machine's local issuer. */
export interface CredentialIssuer {
  /** The `iss` of its tokens; workers trust issuers by this name and its keys. */
  issuer: string;
  signingKey: KeyPair;
  /** The workers' public sealing key. */
  sealingKey: JWK;
}

export interface IssuedCredential {
  /** The sealed token to send in an update or a signal. */
  credential: string;
  tokenId: string;
  expiresAt: string;
}

/**
 * A short-lived signed token saying that `subject` may do the binding's one
 * action on its one run, sealed for the workers. The caller has
 * authenticated `subject`; the issuer only puts that in writing.
 */
export async function issueCredential(
  issuer: CredentialIssuer,
  subject: string,
  binding: CredentialBinding,
  options: { ttlSeconds?: number; now?: Date } = {},
): Promise<IssuedCredential> {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + (options.ttlSeconds ?? CREDENTIAL_TTL_SECONDS);
  const tokenId = randomUUID();
  const signed = await new SignJWT({ [BINDING_CLAIM]: credentialBindingSchema.parse(binding) })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: issuer.signingKey.publicJwk.kid, typ: 'JWT' })
    .setIssuer(issuer.issuer)
    .setSubject(subject)
    .setAudience(CREDENTIAL_AUDIENCE)
    .setJti(tokenId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(issuer.signingKey.privateKey);
  return {
    credential: await sealCredential(signed, issuer.sealingKey),
    tokenId,
    expiresAt: new Date(expiresAt * 1000).toISOString(),
  };
}

/** A person as an issuer vouches for them: what a client signs a start or a decision with. */
export interface Signer {
  issuer: CredentialIssuer;
  subject: string;
}

/** A credential for `signer` to do one bound action. */
export function credentialFor(
  signer: Signer,
  binding: CredentialBinding,
): Promise<IssuedCredential> {
  return issueCredential(signer.issuer, signer.subject, binding);
}
