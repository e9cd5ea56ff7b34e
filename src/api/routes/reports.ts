import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { reportDir } from '../../activities/write-report';
import type { ApiContext } from '../api-context';
import { securityFor } from '../auth';
import { notFound } from '../errors';
import { findRun } from '../run-view';
import { errorResponses, reportQuery, reportSchema, runIdParams } from '../schemas';

const MARKDOWN = 'text/markdown; charset=utf-8';

/** A run's report, as the report step wrote it: report.json, or report.md on request. */
export function reportRoutes(context: ApiContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/runs/:id/report',
      {
        config: { access: 'read' },
        schema: {
          summary: "A run's report (JSON, or Markdown with ?format=md or Accept: text/markdown)",
          tags: ['runs'],
          params: runIdParams,
          querystring: reportQuery,
          response: {
            200: {
              description: 'the report the run wrote when it ended',
              content: {
                'application/json': { schema: reportSchema },
                'text/markdown': { schema: z.string() },
              },
            },
            ...errorResponses(400, 401, 404),
          },
          ...securityFor('read', context.readsNeedToken),
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { description } = await findRun(context.client, context.taskQueue, id);
        const isMarkdown =
          request.query.format === 'md' ||
          (request.query.format === undefined &&
            (request.headers.accept ?? '').includes('text/markdown'));
        const file = path.join(
          reportDir(context.home, id),
          isMarkdown ? 'report.md' : 'report.json',
        );
        const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          throw notFound(
            `run ${id} has no report yet (${description.status.name}); a run writes its report when it ends`,
          );
        });
        if (isMarkdown) return reply.type(MARKDOWN).send(text);
        return reply.type('application/json').send(JSON.parse(text) as Record<string, unknown>);
      },
    );
    done();
  };
}
