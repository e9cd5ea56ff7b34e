import { createHash, timingSafeEqual } from 'node:crypto';

/** One bearer token and the person it speaks for (the approver identity, and who starts runs). */
export interface ApiToken {
  person: string;
  token: string;
}

/** A malformed FERRY_API_TOKENS value; the message names the variable and never echoes a token. */
export class ApiTokensInvalid extends Error {
  override readonly name = 'ApiTokensInvalid';
}

const PERSON = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/**
 * Parses `alice:s3cret,bob:t0ken` (comma-separated `person:token` pairs; a
 * token may itself contain colons). Every problem is reported by position,
 * since the value holds secrets and none of it may be printed.
 */
export function parseApiTokens(text: string, variable = 'FERRY_API_TOKENS'): ApiToken[] {
  const entries = text.split(',').map((entry) => entry.trim());
  const problems: string[] = [];
  const tokens: ApiToken[] = [];
  for (const [index, entry] of entries.entries()) {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (entry === '') {
      problems.push(`${where} is empty`);
      continue;
    }
    if (colon < 0) {
      problems.push(`${where} has no ':' between the person and the token`);
      continue;
    }
    const person = entry.slice(0, colon).trim();
    const token = entry.slice(colon + 1).trim();
    if (!PERSON.test(person))
      problems.push(`${where} has no person name before ':' (letters, digits, . _ @ -)`);
    if (token === '') problems.push(`${where} has an empty token`);
    else if (/\s/.test(token)) problems.push(`${where} has whitespace in its token`);
    else if (tokens.some((known) => known.token === token))
      problems.push(`${where} reuses the token of an earlier entry`);
    tokens.push({ person, token });
  }
  if (problems.length > 0) {
    throw new ApiTokensInvalid(
      `${variable} is malformed: ${problems.join('; ')}; write comma-separated person:token pairs, such as alice:$(openssl rand -hex 16),bob:$(openssl rand -hex 16)`,
    );
  }
  return tokens;
}

/**
 * Finds the person of a presented token. Tokens are compared as SHA-256
 * digests with timingSafeEqual, and every known token is compared, so the
 * time taken says nothing about how much of a token was right.
 */
export class TokenBook {
  private readonly digests: { person: string; digest: Buffer }[];

  constructor(tokens: readonly ApiToken[]) {
    this.digests = tokens.map(({ person, token }) => ({ person, digest: sha256(token) }));
  }

  personFor(presented: string): string | undefined {
    const digest = sha256(presented);
    let found: string | undefined;
    for (const known of this.digests) {
      if (timingSafeEqual(known.digest, digest) && found === undefined) found = known.person;
    }
    return found;
  }

  get people(): string[] {
    return [...new Set(this.digests.map((known) => known.person))];
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
