import type { Client } from '@temporalio/client';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Hosting } from '../backends/hosting';
import { openHosting, openRegistry } from '../backends/compose-backends';
import type { Registry } from '../backends/registry';
import { apiIssuer } from '../identity/machine-keys';
import type { CredentialIssuer } from '../identity/credential-issuer';
import { apiDataRoots } from '../dataset/data-roots';
import type { ApiContext } from './api-context';
import { DEFAULT_BODY_LIMIT_BYTES } from './api-config';
import { TokenBook, type ApiToken } from './api-tokens';
import { installAuth } from './auth';
import { BearerIdentities } from './bearer-identity';
import { IdTokenVerifier } from './id-token-verifier';
import type { OidcConfig } from './oidc-config';
import { ApiError, sendError, zodValidatorCompiler } from './errors';
import { credentialRoutes } from './routes/credentials';
import { decisionRoutes } from './routes/decisions';
import { endpointRoutes } from './routes/endpoints';
import { invocationRoutes } from './routes/invocations';
import { keyRoutes } from './routes/keys';
import { modelRoutes } from './routes/models';
import { policyRoutes } from './routes/policies';
import { reportRoutes } from './routes/reports';
import { runRoutes } from './routes/runs';
import { serviceRoutes } from './routes/service';

export interface ApiDeps {
  client: Client;
  /** The task queue runs start on and are listed from (`ferryTaskQueue()` for `ferry api`). */
  taskQueue: string;
  /** Ferry's state folder: the registry, endpoints and run reports. */
  home: string;
  tokens: readonly ApiToken[];
  /** People whose identities carry the admin role (FERRY_API_ADMINS); default: nobody. */
  admins?: readonly string[];
  /** Accept ID tokens of this identity provider as bearer tokens too (FERRY_API_OIDC_*). */
  oidc?: OidcConfig;
  /** Whether reads need a token too (FERRY_API_READS=token); writes always do. */
  readsNeedToken: boolean;
  /** Where relative dataset paths of posted pipelines are read from (default: the working folder). */
  baseDir?: string;
  /** The folders local datasets may come from (FERRY_DATA_ROOTS); default none: s3:// URIs only. */
  dataRoots?: readonly string[];
  bodyLimitBytes?: number;
  /** Default: the local registry and hosting of `home`. */
  registry?: Registry;
  hosting?: Hosting;
  logger?: FastifyServerOptions['logger'];
  /** Leave out fastify's two lines per request; the API logs its own events (runs started, decisions). */
  disableRequestLogging?: boolean;
  /** Default: the API issuer of the environment or `home` (src/identity/machine-keys.ts). */
  issuer?: CredentialIssuer;
}

/**
 * The HTTP API (DESIGN.md §1): every CLI operation, validated and documented
 * by the zod schemas in schemas.ts. Returns the app unstarted; call
 * `listen` (ferry api, or a test on port 0) or `inject`.
 */
export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    ...(deps.disableRequestLogging
      ? { logController: new LogController({ disableRequestLogging: true }) }
      : {}),
    bodyLimit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request) => {
    throw new ApiError(
      404,
      'NotFound',
      `no route ${request.method} ${request.url.split('?')[0]}; GET /openapi.json lists the routes`,
    );
  });

  const context = apiContext(deps, deps.issuer ?? (await apiIssuer(deps.home)));
  app.addHook('onClose', () => context.close());
  const identities = new BearerIdentities(
    new TokenBook(deps.tokens),
    deps.admins ?? [],
    deps.oidc && new IdTokenVerifier(deps.oidc),
  );
  installAuth(app, identities, { readsNeedToken: deps.readsNeedToken });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ferry API',
        version: '0.1.0',
        description:
          "Durable training-to-deploy pipelines: start runs, watch them, approve or reject their models under their group's approval policy, read the registry and endpoints.",
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              "an API token from FERRY_API_TOKENS, or an OIDC ID token from the organisation's identity provider (FERRY_API_OIDC_ISSUER; the person is its email claim, or FERRY_API_OIDC_PERSON_CLAIM). Its person is who starts runs and decides; people listed in FERRY_API_ADMINS also have the admin role, which changing an approval policy needs.",
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  await app.register(serviceRoutes(context));
  await app.register(runRoutes(context));
  await app.register(decisionRoutes(context));
  await app.register(credentialRoutes(context));
  await app.register(policyRoutes(context));
  await app.register(keyRoutes(context));
  await app.register(reportRoutes(context));
  await app.register(modelRoutes(context));
  await app.register(endpointRoutes(context));
  await app.register(invocationRoutes(context));
  return app;
}

function apiContext(deps: ApiDeps, issuer: CredentialIssuer): ApiContext & { close(): void } {
  let registry = deps.registry;
  const isOwnRegistry = registry === undefined;
  return {
    client: deps.client,
    taskQueue: deps.taskQueue,
    home: deps.home,
    baseDir: deps.baseDir ?? process.cwd(),
    dataRoots: apiDataRoots(deps.dataRoots),
    readsNeedToken: deps.readsNeedToken,
    registry: () => (registry ??= openRegistry('local', deps.home)),
    hosting: deps.hosting ?? openHosting('local', deps.home),
    issuer,
    close() {
      // A registry this server opened is closed with it (SQLite holds a file handle).
      // (The Registry interface has no close: the SageMaker one holds nothing open.)
      if (isOwnRegistry && registry && 'close' in registry) (registry as { close(): void }).close();
    },
  };
}
