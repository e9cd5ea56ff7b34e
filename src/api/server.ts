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
import type { ApiContext } from './api-context';
import { DEFAULT_BODY_LIMIT_BYTES } from './api-config';
import { TokenBook, type ApiToken } from './api-tokens';
import { installAuth } from './auth';
import { ApiError, sendError, zodValidatorCompiler } from './errors';
import { decisionRoutes } from './routes/decisions';
import { endpointRoutes } from './routes/endpoints';
import { invocationRoutes } from './routes/invocations';
import { modelRoutes } from './routes/models';
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
  /** Whether reads need a token too (FERRY_API_READS=token); writes always do. */
  readsNeedToken: boolean;
  /** Where relative dataset paths of posted pipelines are read from (default: the working folder). */
  baseDir?: string;
  bodyLimitBytes?: number;
  /** Default: the local registry and hosting of `home`. */
  registry?: Registry;
  hosting?: Hosting;
  logger?: FastifyServerOptions['logger'];
  /** Leave out fastify's two lines per request; the API logs its own events (runs started, decisions). */
  disableRequestLogging?: boolean;
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

  const context = apiContext(deps);
  app.addHook('onClose', () => context.close());
  installAuth(app, new TokenBook(deps.tokens), { readsNeedToken: deps.readsNeedToken });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ferry API',
        version: '0.1.0',
        description:
          'Durable training-to-deploy pipelines: start runs, watch them, approve or reject their models, read the registry and endpoints.',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'a token from FERRY_API_TOKENS; its person is who starts runs and decides',
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
  await app.register(reportRoutes(context));
  await app.register(modelRoutes(context));
  await app.register(endpointRoutes(context));
  await app.register(invocationRoutes(context));
  return app;
}

function apiContext(deps: ApiDeps): ApiContext & { close(): void } {
  let registry = deps.registry;
  const isOwnRegistry = registry === undefined;
  return {
    client: deps.client,
    taskQueue: deps.taskQueue,
    home: deps.home,
    baseDir: deps.baseDir ?? process.cwd(),
    readsNeedToken: deps.readsNeedToken,
    registry: () => (registry ??= openRegistry('local', deps.home)),
    hosting: deps.hosting ?? openHosting('local', deps.home),
    close() {
      // A registry this server opened is closed with it (SQLite holds a file handle).
      // (The Registry interface has no close: the SageMaker one holds nothing open.)
      if (isOwnRegistry && registry && 'close' in registry) (registry as { close(): void }).close();
    },
  };
}
