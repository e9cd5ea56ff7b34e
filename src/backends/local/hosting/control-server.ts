import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { deployRequestSchema, EndpointBusy, scalingPolicySchema } from '../../hosting';
import { hostLog } from './host-log';
import { EndpointNotFound, type LocalHost } from './local-host';

const rollbackSchema = z.strictObject({ deploymentId: z.string().min(1) });
const nameParams = z.object({ name: z.string().min(1) });
const sinceQuery = z.object({ since: z.string().optional() });

/**
 * The host's control API (DESIGN.md §3): what the local backend's activities
 * and the CLI call. Loopback only, and every call but /health carries the
 * token the host wrote into its record file (mode 0600), so another local
 * user cannot deploy or delete endpoints.
 */
export function buildControlServer(host: LocalHost, token: string): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

  app.get('/health', () => ({ ok: true, pid: process.pid }));

  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/health') return;
    if (!isAuthorized(request, token)) {
      return reply.code(401).send({
        code: 'Unauthorized',
        message: 'missing or wrong bearer token; read it from the host record (.ferry/host.json)',
      });
    }
  });

  app.get('/endpoints', () => host.list());

  app.get('/endpoints/:name', (request) => host.describe(nameParams.parse(request.params).name));

  app.put('/endpoints/:name', async (request, reply) => {
    const body = deployRequestSchema.parse(request.body);
    const { name } = nameParams.parse(request.params);
    if (body.endpoint !== name) {
      return reply.code(400).send({
        code: 'ValidationError',
        message: `body.endpoint (${body.endpoint}) differs from the path's ${name}; send the same name in both`,
      });
    }
    return reply.code(202).send(await host.deploy(body));
  });

  app.put('/endpoints/:name/policy', (request) =>
    host.setPolicy(nameParams.parse(request.params).name, scalingPolicySchema.parse(request.body)),
  );

  app.post('/endpoints/:name/rollback', async (request) => {
    const { deploymentId } = rollbackSchema.parse(request.body);
    return host.rollback(nameParams.parse(request.params).name, deploymentId);
  });

  app.delete('/endpoints/:name', async (request) => ({
    deleted: await host.delete(nameParams.parse(request.params).name),
  }));

  app.get('/endpoints/:name/scaling-activities', (request) =>
    host.scalingActivities(
      nameParams.parse(request.params).name,
      sinceQuery.parse(request.query).since,
    ),
  );

  // Handlers that return a value synchronously are fine: fastify sends it,
  // and a thrown ZodError reaches the error handler either way.
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  return app;
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof z.ZodError) {
    const problems = error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return reply.code(400).send({ code: 'ValidationError', message: problems.join('; ') });
  }
  if (error instanceof EndpointBusy) {
    return reply.code(409).send({ code: 'EndpointBusy', message: error.message });
  }
  if (error instanceof EndpointNotFound) {
    return reply.code(404).send({ code: 'EndpointNotFound', message: error.message });
  }
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  const message = error instanceof Error ? error.message : String(error);
  // The method and URL, never the headers: they carry the host token.
  if (status >= 500) {
    hostLog().error(
      { err: error, method: request.method, url: request.url },
      'control API call failed',
    );
  }
  return reply.code(status).send({ code: status < 500 ? 'BadRequest' : 'InternalError', message });
}

function isAuthorized(request: FastifyRequest, token: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
