import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../api-context';
import { securityFor } from '../auth';
import { notFound } from '../errors';
import {
  errorResponses,
  groupParams,
  modelGroupSchema,
  modelVersionSchema,
  versionParams,
} from '../schemas';

/** The model registry: a group's versions, one version with its lineage, status history and deployments. */
export function modelRoutes(context: ApiContext): FastifyPluginCallbackZod {
  const security = securityFor('read', context.readsNeedToken);
  return (app, _options, done) => {
    app.get(
      '/models/:group',
      {
        config: { access: 'read' },
        schema: {
          summary: "A model group's versions: status, metrics, lineage",
          tags: ['models'],
          params: groupParams,
          response: { 200: modelGroupSchema, ...errorResponses(400, 401, 404) },
          ...security,
        },
      },
      async (request) => {
        const { group } = request.params;
        const versions = await context.registry().listVersions(group);
        if (versions.length === 0)
          throw notFound(
            `model group '${group}' has no versions; a run registers its winner there`,
          );
        return { group, versions };
      },
    );

    app.get(
      '/models/:group/:version',
      {
        config: { access: 'read' },
        schema: {
          summary: 'One version: metrics, lineage, status history, deployments',
          tags: ['models'],
          params: versionParams,
          response: { 200: modelVersionSchema, ...errorResponses(400, 401, 404) },
          ...security,
        },
      },
      async (request) => {
        const { group, version } = request.params;
        const found = await context.registry().getVersion(group, version);
        if (!found)
          throw notFound(
            `model group '${group}' has no version ${version}; GET /models/${group} lists its versions`,
          );
        return found;
      },
    );
    done();
  };
}
