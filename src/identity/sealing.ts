import { CompactEncrypt, compactDecrypt, importJWK, type CryptoKey, type JWK } from 'jose';
import { SEALING_ALG, SEALING_ENC } from './key-files';

/**
 * A credential travels to the workflow sealed (a JWE) for the workers' key:
 * the signal or update that carries it, and the activity input that checks
 * it, are kept in Temporal's history, and nobody who reads history can open
 * the token inside. Sealing adds confidentiality, not authority: the signed
 * token inside is still what proves who decided.
 */
export async function sealCredential(signedToken: string, sealingKey: JWK): Promise<string> {
  const key = await importJWK({ ...sealingKey, alg: SEALING_ALG }, SEALING_ALG);
  return new CompactEncrypt(new TextEncoder().encode(signedToken))
    .setProtectedHeader({ alg: SEALING_ALG, enc: SEALING_ENC, kid: sealingKey.kid, cty: 'JWT' })
    .encrypt(key);
}

/** The signed token inside a sealed credential; throws when it was not sealed for `privateKey`. */
export async function unsealCredential(sealed: string, privateKey: CryptoKey): Promise<string> {
  const { plaintext } = await compactDecrypt(sealed, privateKey, {
    keyManagementAlgorithms: [SEALING_ALG],
    contentEncryptionAlgorithms: [SEALING_ENC],
  });
  return new TextDecoder().decode(plaintext);
}
