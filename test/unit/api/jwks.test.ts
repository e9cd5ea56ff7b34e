import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { issueCredential } from '../../../src/identity/credential-issuer';
import { workerVerifier } from '../../../src/identity/machine-keys';
import { readTrustedIssuers } from '../../../src/identity/trusted-issuers';
import { verifyCredential } from '../../../src/identity/verify-credential';
import { startTestApi, type TestApi } from './api-fixture';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ tokens: 'alice:alice-token-1' });
});
afterAll(() => api?.app.close());

const binding = {
  action: 'approve',
  runId: 'ferry-churn-1a2b3c4d',
  group: 'churn',
  version: 3,
} as const;

describe('GET /.well-known/jwks.json', () => {
  test("answers without a token with the API issuer's public signing key, and nothing private", async () => {
    const answer = await api.call<{ keys: Record<string, unknown>[] }>(
      'GET',
      '/.well-known/jwks.json',
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ keys: [api.issuer.signingKey.publicJwk] });
    expect(answer.body.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
    });
    expect(answer.body.keys[0]).not.toHaveProperty('d');
    expect(answer.headers.get('cache-control')).toMatch(/max-age=\d+/);
  });

  test('a worker that trusts the API by this URL verifies a credential the API issued', async () => {
    const file = path.join(api.home, 'trusted-issuers.json');
    writeFileSync(
      file,
      JSON.stringify({
        issuers: [{ issuer: api.issuer.issuer, jwksUrl: `${api.baseUrl}/.well-known/jwks.json` }],
      }),
    );
    // The worker's own sealing key, from the same home; its trust from the file alone.
    const { unsealingKey } = await workerVerifier(api.home, {});
    const verifier = { trust: await readTrustedIssuers(file), unsealingKey };

    const { credential, tokenId } = await issueCredential(api.issuer, 'bob', {
      ...binding,
      message: 'accuracy is fine',
    });
    expect(await verifyCredential(credential, binding, verifier, new Date())).toMatchObject({
      ok: true,
      subject: 'bob',
      issuer: 'ferry-api',
      tokenId,
      message: 'accuracy is fine',
    });
  });
});
