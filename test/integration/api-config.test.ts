import path from 'node:path';
import { readApiConfig } from '../../src/api/api-config';
import { ApiTokensInvalid, parseApiTokens, TokenBook } from '../../src/api/api-tokens';
import { UserError } from '../../src/shared/user-error';

// `ferry api`'s configuration, without a server: the HTTP behaviour is in api.test.ts.

describe('FERRY_API_TOKENS', () => {
  test('parses person:token pairs; a token may hold colons; spaces around entries are ignored', () => {
    expect(parseApiTokens(' alice:s3cret , bob:t0k:en ')).toEqual([
      { person: 'alice', token: 's3cret' },
      { person: 'bob', token: 't0k:en' },
    ]);
  });

  test('lists every malformed entry by position, naming the variable and no secret', () => {
    let error: unknown;
    try {
      parseApiTokens('alice:hunter2,hunter3,:hunter4,carol:,dave:hunter2');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiTokensInvalid);
    const message = (error as Error).message;
    expect(message).toMatch(/^FERRY_API_TOKENS is malformed: /);
    expect(message).toContain("entry 2 has no ':'");
    expect(message).toContain('entry 3 has no person name');
    expect(message).toContain('entry 4 has an empty token');
    expect(message).toContain('entry 5 reuses the token of an earlier entry');
    expect(message).not.toMatch(/hunter/);
  });

  test('a token book finds the person of a token, and nobody for a wrong, partial or empty one', () => {
    const book = new TokenBook(parseApiTokens('alice:s3cret,bob:t0ken'));
    expect(book.personFor('s3cret')).toBe('alice');
    expect(book.personFor('t0ken')).toBe('bob');
    for (const wrong of ['s3cre', 's3cret ', 'S3CRET', '', 'alice:s3cret'])
      expect(book.personFor(wrong)).toBeUndefined();
    expect(book.people).toEqual(['alice', 'bob']);
  });
});

describe('readApiConfig', () => {
  test('defaults: loopback, any free port, reads need a token, 1 MiB bodies', () => {
    expect(readApiConfig({ FERRY_API_TOKENS: 'alice:x' })).toEqual({
      tokens: [{ person: 'alice', token: 'x' }],
      admins: [],
      readsNeedToken: true,
      host: '127.0.0.1',
      port: 0,
      bodyLimitBytes: 1024 * 1024,
      dataRoots: [],
    });
  });

  test('the environment, then command-line options over it; empty variables count as unset', () => {
    const env = {
      FERRY_API_TOKENS: 'alice:x',
      FERRY_API_READS: 'open',
      FERRY_API_HOST: '0.0.0.0',
      FERRY_API_PORT: '8000',
      FERRY_API_BODY_LIMIT_BYTES: '4096',
      FERRY_DATA_ROOTS: ['/srv/data', 'relative/data', ''].join(path.delimiter),
    };
    expect(readApiConfig(env)).toMatchObject({
      readsNeedToken: false,
      host: '0.0.0.0',
      port: 8000,
      bodyLimitBytes: 4096,
      dataRoots: ['/srv/data', path.resolve('relative/data')],
    });
    expect(readApiConfig(env, { host: '127.0.0.1', port: '9000' })).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
    });
    expect(
      readApiConfig({ FERRY_API_TOKENS: 'alice:x', FERRY_API_READS: '', FERRY_API_PORT: '' }),
    ).toMatchObject({ readsNeedToken: true, port: 0 });
  });

  test.each([
    [{}, /FERRY_API_TOKENS is not set/],
    [
      { FERRY_API_TOKENS: 'alice:x', FERRY_MAX_DATASET_BYTES: 'lots' },
      /FERRY_MAX_DATASET_BYTES is 'lots', which is not allowed; give a whole number above 0/,
    ],
    [{ FERRY_API_TOKENS: 'just-a-token' }, /FERRY_API_TOKENS is malformed/],
    [{ FERRY_API_TOKENS: 'alice:x', FERRY_API_READS: 'maybe' }, /FERRY_API_READS is 'maybe'/],
    [{ FERRY_API_TOKENS: 'alice:x', FERRY_API_PORT: '70000' }, /FERRY_API_PORT is '70000'/],
    [
      { FERRY_API_TOKENS: 'alice:x', FERRY_API_BODY_LIMIT_BYTES: '1M' },
      /FERRY_API_BODY_LIMIT_BYTES/,
    ],
    [
      { FERRY_API_TOKENS: 'alice:x', FERRY_API_ADMINS: 'alice,bob smith' },
      /FERRY_API_ADMINS is malformed: 'bob smith' \(entry 2\) is not a person name/,
    ],
    [
      { FERRY_API_TOKENS: 'alice:x', FERRY_API_ADMINS: 'alice,' },
      /FERRY_API_ADMINS is malformed: entry 2 is empty/,
    ],
    [
      {
        FERRY_API_TOKENS: 'alice:x',
        FERRY_API_OIDC_ISSUER: 'accounts.example.com',
        FERRY_API_OIDC_AUDIENCE: 'ferry',
      },
      /FERRY_API_OIDC_ISSUER is 'accounts.example.com', which is not an http\(s\) URL/,
    ],
    [
      { FERRY_API_TOKENS: 'alice:x', FERRY_API_OIDC_ISSUER: 'https://idp.example.com' },
      /FERRY_API_OIDC_AUDIENCE is not set, but FERRY_API_OIDC_ISSUER is/,
    ],
    [
      { FERRY_API_TOKENS: 'alice:x', FERRY_API_OIDC_AUDIENCE: 'ferry' },
      /FERRY_API_OIDC_AUDIENCE is set but FERRY_API_OIDC_ISSUER is not/,
    ],
    [
      {
        FERRY_API_TOKENS: 'alice:x',
        FERRY_API_OIDC_ISSUER: 'https://idp.example.com',
        FERRY_API_OIDC_AUDIENCE: 'ferry',
        FERRY_API_OIDC_JWKS_URL: 'keys.json',
      },
      /FERRY_API_OIDC_JWKS_URL is 'keys.json'/,
    ],
    [
      {
        FERRY_API_TOKENS: 'alice:x',
        FERRY_API_OIDC_ISSUER: 'https://idp.example.com',
        FERRY_API_OIDC_AUDIENCE: 'ferry',
        FERRY_API_OIDC_PERSON_CLAIM: 'e mail',
      },
      /FERRY_API_OIDC_PERSON_CLAIM is 'e mail'/,
    ],
  ])('%j is refused with a message naming the variable', (env, message) => {
    expect(() => readApiConfig(env)).toThrow(UserError);
    expect(() => readApiConfig(env)).toThrow(message);
  });
});

describe('identities: admins and the identity provider', () => {
  test('FERRY_API_ADMINS lists the people with the admin role; spaces and repeats are dropped', () => {
    expect(
      readApiConfig({
        FERRY_API_TOKENS: 'alice:x',
        FERRY_API_ADMINS: ' dana , erin@example.com,dana',
      }).admins,
    ).toEqual(['dana', 'erin@example.com']);
  });

  test('OIDC: issuer and audience enable ID tokens; the JWKS URL is optional, the person claim defaults to email', () => {
    const env = {
      FERRY_API_TOKENS: 'alice:x',
      FERRY_API_OIDC_ISSUER: 'https://idp.example.com',
      FERRY_API_OIDC_AUDIENCE: 'ferry-client',
    };
    expect(readApiConfig(env).oidc).toEqual({
      issuer: 'https://idp.example.com',
      audience: 'ferry-client',
      personClaim: 'email',
    });
    expect(
      readApiConfig({
        ...env,
        FERRY_API_OIDC_JWKS_URL: 'https://idp.example.com/keys',
        FERRY_API_OIDC_PERSON_CLAIM: 'preferred_username',
      }).oidc,
    ).toEqual({
      issuer: 'https://idp.example.com',
      audience: 'ferry-client',
      jwksUrl: 'https://idp.example.com/keys',
      personClaim: 'preferred_username',
    });
    expect(
      readApiConfig({ FERRY_API_TOKENS: 'alice:x', FERRY_API_OIDC_ISSUER: '' }).oidc,
    ).toBeUndefined();
  });

  test('with an identity provider, FERRY_API_TOKENS may be left unset', () => {
    const config = readApiConfig({
      FERRY_API_OIDC_ISSUER: 'https://idp.example.com',
      FERRY_API_OIDC_AUDIENCE: 'ferry-client',
    });
    expect(config.tokens).toEqual([]);
    expect(() => readApiConfig({})).toThrow(/or set FERRY_API_OIDC_ISSUER/);
  });
});
