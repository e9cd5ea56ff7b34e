import type { CredentialCheck } from '../identity/credential-binding';
import { configSha256 } from '../identity/config-digest';
import { verifyCredential, type CredentialVerifier } from '../identity/verify-credential';
import type { VerifyCredentialInput } from '../workflows/definitions';

/**
 * verifyCredential: opens a sealed credential with the workers' key and
 * checks it against the issuers this worker trusts, for exactly the action,
 * run, version and (for a start) pipeline file the workflow expects. The
 * answer names the verified person, their issuer and the token's id, never
 * the token; a refusal is an answer, not a failure to retry.
 */
export function createVerifyCredential(verifier: () => Promise<CredentialVerifier>) {
  return async function verifyCredentialActivity(
    input: VerifyCredentialInput,
  ): Promise<CredentialCheck> {
    const expected = {
      ...input.expected,
      ...(input.config === undefined ? {} : { configSha256: configSha256(input.config) }),
    };
    return verifyCredential(
      input.credential,
      expected,
      await verifier(),
      new Date(input.presentedAt),
    );
  };
}
