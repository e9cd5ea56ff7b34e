import { generateKeyPair } from 'jose';
import type { ApiErrorBody } from '../../../src/api/schemas';
import type { PolicyRecord } from '../../../src/policy/approval-policy';
import { startTestApi, type TestApi } from './api-fixture';
import { startIdentityProvider, type IdentityProvider } from './identity-provider';

// The organisation's identity provider signs ID tokens; the API accepts them
// as bearer tokens beside FERRY_API_TOKENS. dana@example.com is an admin.
const AUDIENCE = 'ferry-client';
let provider: IdentityProvider;
let api: TestApi;

beforeAll(async () => {
  provider = await startIdentityProvider('RS256');
  api = await startTestApi({
    tokens: 'alice:alice-token-1',
    admins: ['dana@example.com'],
    oidc: { issuer: provider.issuer, audience: AUDIENCE, personClaim: 'email' },
  });
});
afterAll(async () => {
  await api?.app.close();
  await provider?.close();
});

const policy = { approvers: ['bob@example.com'] };

async function refusal(token: string): Promise<ApiErrorBody> {
  const answer = await api.call('GET', '/policies/churn', { token });
  expect(answer.status).toBe(401);
  expect(answer.body.code).toBe('Unauthorized');
  // Whatever is wrong with a token, the answer never repeats it.
  expect(JSON.stringify(answer.body)).not.toContain(token.split('.')[1]);
  return answer.body;
}

describe('OIDC ID tokens as bearer tokens', () => {
  test('an ID token of the provider names the person by its email; the role comes from FERRY_API_ADMINS', async () => {
    const carol = await provider.idToken({ email: 'carol@example.com', email_verified: true });
    const read = await api.call('GET', '/policies/churn', { token: carol });
    expect(read.status).toBe(200);
    const byMember = await api.call('PUT', '/policies/churn', { token: carol, json: policy });
    expect(byMember.status).toBe(403);
    expect(byMember.body.message).toMatch(/carol@example.com is a member/);

    const dana = await provider.idToken({ email: 'dana@example.com' });
    const set = await api.call<PolicyRecord>('PUT', '/policies/churn', {
      token: dana,
      json: policy,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ group: 'churn', revision: 1, setBy: 'dana@example.com' });

    // API tokens still work beside ID tokens.
    expect((await api.call('GET', '/policies/churn', { token: 'alice-token-1' })).status).toBe(200);
  });

  test("the provider's keys are discovered from its openid-configuration once, not per request", async () => {
    for (let i = 0; i < 3; i++) {
      const token = await provider.idToken({ email: 'carol@example.com' });
      expect((await api.call('GET', '/policies/churn', { token })).status).toBe(200);
    }
    const discoveries = provider.requests.filter(
      (url) => url === '/.well-known/openid-configuration',
    );
    expect(discoveries).toHaveLength(1);
  });

  test("a token from another issuer is 401: not from this server's identity provider", async () => {
    const other = await startIdentityProvider('ES256');
    try {
      const token = await other.idToken({ email: 'dana@example.com' }, { audience: AUDIENCE });
      const body = await refusal(token);
      expect(body.message).toMatch(
        /not from this server's identity provider; sign in with http:\/\/127\.0\.0\.1/,
      );
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  test("a token claiming the provider's issuer but signed with another key is 401: the signature does not verify", async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await provider.idToken(
      { email: 'dana@example.com' },
      { key: { privateKey, kid: 'test-rs256' } },
    );
    expect((await refusal(forged)).message).toMatch(
      /signature does not verify with http:\/\/127\.0\.0\.1:\d+'s keys/,
    );
    const unknownKid = await provider.idToken(
      { email: 'dana@example.com' },
      { key: { privateKey, kid: 'rotated-away' } },
    );
    expect((await refusal(unknownKid)).message).toMatch(/signature does not verify/);
  });

  test('an expired token is 401 saying when it expired; one within the clock tolerance is taken', async () => {
    const expired = await provider.idToken(
      { email: 'carol@example.com' },
      { expiresInSeconds: -600 },
    );
    expect((await refusal(expired)).message).toMatch(
      /^the ID token expired at \d{4}-\d\d-\d\dT.*; sign in again/,
    );
    const justNow = await provider.idToken(
      { email: 'carol@example.com' },
      { expiresInSeconds: -20 },
    );
    expect((await api.call('GET', '/policies/churn', { token: justNow })).status).toBe(200);
  });

  test('a token for another audience is 401 naming the client id it must be for', async () => {
    const token = await provider.idToken(
      { email: 'carol@example.com' },
      { audience: 'another-app' },
    );
    expect((await refusal(token)).message).toMatch(
      /for another audience, not this API; get one issued for client id ferry-client \(FERRY_API_OIDC_AUDIENCE\)/,
    );
  });

  test('a token without the person claim, with one that is no person name, or with an unverified email is 401', async () => {
    const noEmail = await provider.idToken({ name: 'Carol' });
    expect((await refusal(noEmail)).message).toMatch(
      /has no 'email' claim.*FERRY_API_OIDC_PERSON_CLAIM/,
    );
    const notAName = await provider.idToken({ email: 'carol smith' });
    expect((await refusal(notAName)).message).toMatch(/'email' claim is not a person name/);
    const unverified = await provider.idToken({ email: 'dana@example.com', email_verified: false });
    expect((await refusal(unverified)).message).toMatch(/email is not verified/);
  });

  test('a token that is neither an API token nor a JWT is 401 naming both kinds', async () => {
    expect((await refusal('not.a-jwt')).message).toBe(
      `the bearer token is not one this server knows; use a token from FERRY_API_TOKENS or an ID token from ${provider.issuer}`,
    );
  });
});

describe('OIDC configuration in the server', () => {
  test('a server without FERRY_API_OIDC_ISSUER takes no ID token, and says so', async () => {
    const plain = await startTestApi({ tokens: 'alice:alice-token-1' });
    try {
      const token = await provider.idToken({ email: 'carol@example.com' });
      const answer = await plain.call('GET', '/policies/churn', { token });
      expect(answer.status).toBe(401);
      expect(answer.body.message).toMatch(
        /looks like an ID token, and this server accepts none \(FERRY_API_OIDC_ISSUER is not set\)/,
      );
    } finally {
      await plain.app.close();
    }
  });

  test('a provider that cannot be reached is 503, not a verdict on the token; open routes still answer', async () => {
    const gone = await startIdentityProvider('ES256');
    await gone.close();
    const cut = await startTestApi({
      tokens: 'alice:alice-token-1',
      oidc: { issuer: gone.issuer, audience: AUDIENCE, personClaim: 'email' },
    });
    try {
      const token = await gone.idToken({ email: 'carol@example.com' }, { audience: AUDIENCE });
      const answer = await cut.call('GET', '/policies/churn', { token });
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('IdentityProviderUnavailable');
      expect(answer.body.message).toMatch(/identity provider's keys could not be fetched/);
      expect((await cut.call('GET', '/health', { token })).status).toBe(200);
    } finally {
      await cut.app.close();
    }
  });
});
