import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../api-context';
import { securityFor } from '../auth';
import { notFound } from '../errors';
import {
  endpointListSchema,
  endpointParams,
  endpointWithActivitySchema,
  errorResponses,
} from '../schemas';

const RECENT_ACTIVITIES = 10;

/** Endpoints of the backend: version, replicas, scaling policy and recent scaling activity. */
export function endpointRoutes(context: ApiContext): FastifyPluginCallbackZod {
  const security = securityFor('read', context.readsNeedToken);
  return (app, _options, done) => {
    app.get(
      '/endpoints',
      {
        config: { access: 'read' },
        schema: {
          summary: 'Endpoints with their version, replicas and scaling policy',
          tags: ['endpoints'],
          response: { 200: endpointListSchema, ...errorResponses(401) },
          ...security,
        },
      },
      async () => ({ endpoints: await context.hosting.list() }),
    );

    app.get(
      '/endpoints/:name',
      {
        config: { access: 'read' },
        schema: {
          summary: 'One endpoint, with its recent scaling activity',
          tags: ['endpoints'],
          params: endpointParams,
          response: { 200: endpointWithActivitySchema, ...errorResponses(400, 401, 404) },
          ...security,
        },
      },
      async (request) => {
        const { name } = request.params;
        const endpoint = await context.hosting.describe(name);
        if (!endpoint) throw unknownEndpoint(name);
        const activities = await context.hosting.scalingActivities(name);
        return { ...endpoint, scalingActivities: activities.slice(-RECENT_ACTIVITIES) };
      },
    );
    done();
  };
}

export function unknownEndpoint(name: string) {
  return notFound(`endpoint ${name} does not exist; GET /endpoints lists the ones that do`);
}
