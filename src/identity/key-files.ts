import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { makeDirectory } from '../shared/make-directory';

/** The algorithms Ferry keys are for: signing credentials, and sealing them for the workers. */
export const SIGNING_ALG = 'ES256';
export const SEALING_ALG = 'ECDH-ES+A256KW';
export const SEALING_ENC = 'A256GCM';
export type KeyAlg = typeof SIGNING_ALG | typeof SEALING_ALG;

/** A key file that cannot be used as it is; the message names the file and the fix. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

export interface KeyPair {
  /** The private key, for signing or unsealing. */
  privateKey: CryptoKey;
  /** The public half as a JWK (with `kid` and `alg`), to publish or hand to a client. */
  publicJwk: JWK;
}

/**
 * Reads a private JWK file, or makes one if none exists: created with mode
 * 0600 and O_EXCL, so two processes starting at once end with one key, and
 * only the file's owner can read it. A file others can read is refused:
 * whoever reads a signing key can sign as anyone.
 */
export async function loadOrCreateKeyPair(file: string, alg: KeyAlg): Promise<KeyPair> {
  try {
    return await loadKeyPair(file, alg);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await makeDirectory(path.dirname(file));
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `${path.basename(file, '.jwk')}-${Date.now().toString(36)}`;
  try {
    const handle = await open(file, 'wx', 0o600);
    await handle.writeFile(`${JSON.stringify({ ...jwk, alg, kid })}\n`);
    await handle.close();
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return loadKeyPair(file, alg);
}

/** Reads a private JWK file, refusing one that others can read. */
export async function loadKeyPair(file: string, alg: KeyAlg): Promise<KeyPair> {
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    throw new KeyFileError(
      `${file} can be read by other users (mode ${(mode & 0o777).toString(8)}); a Ferry key must be its owner's alone: chmod 600 ${file}`,
    );
  }
  const jwk = parseJwk(await readFile(file, 'utf8'), file);
  if (jwk.d === undefined) throw new KeyFileError(`${file} holds no private key ("d")`);
  const privateKey = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
  return { privateKey, publicJwk: publicHalf(jwk, alg) };
}

/** Reads a public JWK file (a worker's sealing key, as a client gets it). */
export async function loadPublicJwk(file: string): Promise<JWK> {
  const jwk = parseJwk(await readFile(file, 'utf8'), file);
  return publicHalf(jwk, jwk.alg ?? SEALING_ALG);
}

function parseJwk(text: string, file: string): JWK {
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === 'object' && 'kty' in value) return value as JWK;
  } catch {
    // Reported below, without the content: it may be a secret.
  }
  throw new KeyFileError(`${file} is not a JSON Web Key (a JSON object with "kty")`);
}

function publicHalf(jwk: JWK, alg: string): JWK {
  const { kty, crv, x, y, kid } = jwk;
  return { kty, crv, x, y, kid, alg, use: alg === SIGNING_ALG ? 'sig' : 'enc' };
}
