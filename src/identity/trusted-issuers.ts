import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { formatProblem } from '../config/problem';
import { problemsFromZod } from '../config/zod-problems';

/**
 * The issuers a worker believes, configured on the worker (FERRY_TRUSTED_ISSUERS
 * names a JSON file), never in a pipeline file: who starts or decides a run
 * must not be able to name who vouches for them.
 */
const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) });

const trustedIssuerSchema = z.union([
  z.strictObject({ issuer: z.string().min(1), jwksUrl: z.url() }),
  z.strictObject({ issuer: z.string().min(1), jwksFile: z.string().min(1) }),
  z.strictObject({ issuer: z.string().min(1), jwks: jwksSchema }),
]);

export const trustedIssuersFileSchema = z.strictObject({
  issuers: z.array(trustedIssuerSchema).min(1),
});
export type TrustedIssuersFile = z.infer<typeof trustedIssuersFileSchema>;

/** Each trusted issuer's name and where its keys come from. */
export class TrustedIssuers {
  constructor(private readonly keysOf: ReadonlyMap<string, JWTVerifyGetKey>) {}

  keysFor(issuer: string): JWTVerifyGetKey | undefined {
    return this.keysOf.get(issuer);
  }

  get names(): string[] {
    return [...this.keysOf.keys()];
  }

  /** Issuers whose public keys are at hand (the dev machine's own, tests). */
  static fromKeySets(sets: { issuer: string; jwks: JSONWebKeySet }[]): TrustedIssuers {
    return new TrustedIssuers(
      new Map(sets.map((set) => [set.issuer, createLocalJWKSet(set.jwks)])),
    );
  }
}

export class TrustedIssuersInvalid extends Error {
  override readonly name = 'TrustedIssuersInvalid';
}

/** Reads a trusted-issuers file; every problem names the file and the field. */
export async function readTrustedIssuers(file: string): Promise<TrustedIssuers> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new TrustedIssuersInvalid(
      `FERRY_TRUSTED_ISSUERS (${file}) cannot be read as JSON: ${(error as Error).message}`,
    );
  }
  const result = trustedIssuersFileSchema.safeParse(parsed);
  if (!result.success) {
    const problems = problemsFromZod(result.error.issues, trustedIssuersFileSchema);
    throw new TrustedIssuersInvalid(
      `FERRY_TRUSTED_ISSUERS names a file that is not valid:\n${problems.map((problem) => formatProblem(file, problem)).join('\n')}\nwrite {"issuers": [{"issuer": "...", "jwksUrl" | "jwksFile" | "jwks": ...}]}`,
    );
  }
  const keysOf = new Map<string, JWTVerifyGetKey>();
  for (const entry of result.data.issuers) {
    if ('jwksUrl' in entry) {
      keysOf.set(entry.issuer, createRemoteJWKSet(new URL(entry.jwksUrl)));
    } else if ('jwksFile' in entry) {
      const jwks = jwksSchema.parse(JSON.parse(await readFile(entry.jwksFile, 'utf8')));
      keysOf.set(entry.issuer, createLocalJWKSet(jwks));
    } else {
      keysOf.set(entry.issuer, createLocalJWKSet(entry.jwks));
    }
  }
  return new TrustedIssuers(keysOf);
}
