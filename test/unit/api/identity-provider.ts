import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

/**
 * A stand-in for the organisation's identity provider, over real HTTP on
 * 127.0.0.1: its openid-configuration, its JWKS, and ID tokens signed with
 * its key as jose's SignJWT makes them. It counts what it was asked for.
 */
export interface IdentityProvider {
  issuer: string;
  requests: string[];
  idToken(claims: JWTPayload, options?: IdTokenOptions): Promise<string>;
  close(): Promise<void>;
}

export interface IdTokenOptions {
  audience?: string;
  /** Seconds from now; negative for a token that has expired. */
  expiresInSeconds?: number;
  /** Sign as another issuer, or with a key this provider does not publish. */
  issuer?: string;
  key?: { privateKey: CryptoKey; kid: string };
}

export async function startIdentityProvider(
  alg: 'RS256' | 'ES256' = 'RS256',
): Promise<IdentityProvider> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const kid = `test-${alg.toLowerCase()}`;
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] };
  const requests: string[] = [];
  let issuer = '';
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const body =
      request.url === '/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/keys`, id_token_signing_alg_values_supported: [alg] }
        : request.url === '/keys'
          ? jwks
          : undefined;
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    requests,
    idToken(claims, options = {}) {
      const key = options.key ?? { privateKey, kid };
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? 'ferry-client')
        .setSubject('user-0001')
        .setIssuedAt(now - 10)
        .setExpirationTime(now + (options.expiresInSeconds ?? 300))
        .sign(key.privateKey);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
