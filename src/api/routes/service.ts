import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../api-context';
import { healthSchema } from '../schemas';

/** /health and /openapi.json: open to all, they tell nothing about runs or models. */
export function serviceRoutes(context: ApiContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/health',
      {
        config: { access: 'open' },
        schema: {
          summary: 'Whether the API is up',
          tags: ['service'],
          response: { 200: healthSchema },
        },
      },
      () => ({ ok: true, taskQueue: context.taskQueue }),
    );

    app.get(
      '/openapi.json',
      { config: { access: 'open' }, schema: { hide: true } },
      // The root instance holds the document; this plugin's `app` is a child of it.
      () => app.swagger(),
    );
    done();
  };
}
