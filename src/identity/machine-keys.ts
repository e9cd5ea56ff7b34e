import path from 'node:path';
import type { JWK } from 'jose';
import type { CredentialIssuer } from './credential-issuer';
import { SEALING_ALG, SIGNING_ALG, loadOrCreateKeyPair, loadPublicJwk } from './key-files';
import { TrustedIssuers, readTrustedIssuers } from './trusted-issuers';
import type { CredentialVerifier } from './verify-credential';

/**
 * Where a Ferry installation keeps its keys, and which it uses when the
 * environment names none: a development machine's, all under
 * FERRY_HOME/keys, each readable by its owner only. In production the
 * environment names them (README, "Trust model"):
 *   FERRY_SEALING_KEY           the workers' private sealing key (workers)
 *   FERRY_SEALING_PUBLIC_KEY    its public half (the API, CLIs)
 *   FERRY_API_SIGNING_KEY       the API's private signing key (the API)
 *   FERRY_API_ISSUER            the API's issuer name (the API)
 *   FERRY_TRUSTED_ISSUERS       the issuers a worker believes (workers)
 */
export const LOCAL_ISSUER = 'ferry-local';
export const DEFAULT_API_ISSUER = 'ferry-api';

const keyFile = (home: string, name: string) => path.join(home, 'keys', `${name}.jwk`);

/**
 * This machine's own issuer: `ferry approve`, `ferry run` and the demo sign
 * with it when no API is configured. Its key is its owner's alone, so what
 * it signs says "the owner of this machine's Ferry home", nothing more.
 */
export async function localIssuer(home: string, env = process.env): Promise<CredentialIssuer> {
  return {
    issuer: LOCAL_ISSUER,
    signingKey: await loadOrCreateKeyPair(keyFile(home, 'local-issuer'), SIGNING_ALG),
    sealingKey: await sealingPublicKey(home, env),
  };
}

/** The API's issuer: it vouches for the people its bearer tokens or the identity provider authenticate. */
export async function apiIssuer(home: string, env = process.env): Promise<CredentialIssuer> {
  return {
    // Empty counts as unset: docker compose passes a listed variable through empty.
    issuer: env.FERRY_API_ISSUER || DEFAULT_API_ISSUER,
    signingKey: await loadOrCreateKeyPair(
      env.FERRY_API_SIGNING_KEY || keyFile(home, 'api-issuer'),
      SIGNING_ALG,
    ),
    sealingKey: await sealingPublicKey(home, env),
  };
}

/** The key clients seal credentials with: FERRY_SEALING_PUBLIC_KEY, else this machine's workers'. */
export async function sealingPublicKey(home: string, env = process.env): Promise<JWK> {
  if (env.FERRY_SEALING_PUBLIC_KEY) return loadPublicJwk(env.FERRY_SEALING_PUBLIC_KEY);
  return (await loadOrCreateKeyPair(workerSealingKeyFile(home, env), SEALING_ALG)).publicJwk;
}

function workerSealingKeyFile(home: string, env: NodeJS.ProcessEnv): string {
  return env.FERRY_SEALING_KEY || keyFile(home, 'sealing');
}

/**
 * What a worker checks credentials with: its sealing key, and the issuers
 * of FERRY_TRUSTED_ISSUERS, or (on a development machine, when that is
 * unset) this home's local issuer and API issuer.
 */
export async function workerVerifier(home: string, env = process.env): Promise<CredentialVerifier> {
  const { privateKey } = await loadOrCreateKeyPair(workerSealingKeyFile(home, env), SEALING_ALG);
  const trust = env.FERRY_TRUSTED_ISSUERS
    ? await readTrustedIssuers(env.FERRY_TRUSTED_ISSUERS)
    : TrustedIssuers.fromKeySets(
        await Promise.all(
          [localIssuer(home, env), apiIssuer(home, env)].map(async (pending) => {
            const { issuer, signingKey } = await pending;
            return { issuer, jwks: { keys: [signingKey.publicJwk] } };
          }),
        ),
      );
  return { trust, unsealingKey: privateKey };
}
