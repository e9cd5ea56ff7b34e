import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../api-context';
import { jwksSchema } from '../schemas';

/**
 * The API issuer's public signing key, so workers can trust this API by URL
 * ({"issuer": "ferry-api", "jwksUrl": ".../.well-known/jwks.json"} in their
 * FERRY_TRUSTED_ISSUERS file) instead of by a copied key file. Open: a
 * public key is meant to be read by anyone.
 */
export function keyRoutes(context: ApiContext): FastifyPluginCallbackZod {
  // Checked once, at start: a key without kty would be no key to a worker.
  const jwks = jwksSchema.parse({ keys: [context.issuer.signingKey.publicJwk] });
  return (app, _options, done) => {
    app.get(
      '/.well-known/jwks.json',
      {
        config: { access: 'open' },
        schema: {
          summary: 'The public key the API signs credentials with (JWKS)',
          description: `Workers verify the credentials this API issues (as issuer '${context.issuer.issuer}') with these keys.`,
          tags: ['service'],
          response: { 200: jwksSchema },
        },
      },
      // Workers cache keys (jose's remote key set); a few minutes here keeps a rotation quick to reach them.
      (_request, reply) => {
        void reply.header('cache-control', 'public, max-age=300');
        return jwks;
      },
    );
    done();
  };
}
