import { z } from 'zod';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../api-context';
import { securityFor } from '../auth';
import { ApiError } from '../errors';
import { endpointParams, errorResponses, invocationHeaders } from '../schemas';
import { unknownEndpoint } from './endpoints';

const INVOKE_TIMEOUT_MS = 120_000;

/**
 * POST /endpoints/:name/invocations: rows to an endpoint, predictions back,
 * as `ferry invoke` sends them (the router's SageMaker Runtime path). The
 * body goes through untouched, so this plugin reads JSON and CSV as bytes.
 *
 * For the token rule this counts as a read: it changes nothing Ferry keeps
 * (no run, version or endpoint), although it does count towards the
 * endpoint's auto scaling, as any client's traffic would.
 */
export function invocationRoutes(context: ApiContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(
      ['application/json', 'text/csv'],
      { parseAs: 'buffer' },
      (_request, body, done) => done(null, body),
    );

    app.post(
      '/endpoints/:name/invocations',
      {
        config: { access: 'read' },
        schema: {
          summary: 'Send rows to an endpoint and get its predictions',
          description:
            'Rows as JSON ({"instances": [...]} or a list of objects) or CSV (header optional), as the endpoint takes them. Counts as a read for the token rule (FERRY_API_READS).',
          tags: ['endpoints'],
          consumes: ['application/json', 'text/csv'],
          params: endpointParams,
          headers: invocationHeaders,
          body: z.unknown().describe('the rows, passed to the endpoint as they are'),
          response: {
            200: {
              description: 'the predictions, as the endpoint answered',
              content: {
                'application/json': { schema: z.unknown() },
                'text/csv': { schema: z.string() },
              },
            },
            ...errorResponses(400, 401, 404, 413, 415, 502),
          },
          ...securityFor('read', context.readsNeedToken),
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        const endpoint = await context.hosting.describe(name);
        if (!endpoint) throw unknownEndpoint(name);
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) {
          throw new ApiError(400, 'ValidationError', 'send the rows in the body (JSON or CSV)');
        }
        const url = `${endpoint.url}/endpoints/${encodeURIComponent(name)}/invocations`;
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': request.headers['content-type'] ?? 'application/json',
            accept: request.headers.accept ?? 'application/json',
          },
          body,
          signal: AbortSignal.timeout(INVOKE_TIMEOUT_MS),
        }).catch((error: unknown) => {
          throw new ApiError(
            502,
            'EndpointError',
            `endpoint ${name} did not answer (${error instanceof Error ? error.message : String(error)}); GET /endpoints/${name} shows its state`,
          );
        });
        const answer = Buffer.from(await response.arrayBuffer());
        if (!response.ok) {
          // The endpoint's 4xx is the caller's to fix (bad rows); its 5xx is ours to report.
          throw new ApiError(
            response.status < 500 ? response.status : 502,
            'EndpointError',
            `endpoint ${name} answered HTTP ${response.status}: ${endpointMessage(answer.toString('utf8'))}`,
          );
        }
        return reply.type(response.headers.get('content-type') ?? 'application/json').send(answer);
      },
    );
    done();
  };
}

function endpointMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const said = body.message ?? body.error;
    return typeof said === 'string' ? said : text.slice(0, 500);
  } catch {
    return text.slice(0, 500);
  }
}
