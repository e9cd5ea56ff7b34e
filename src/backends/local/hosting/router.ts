import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import type { Logger } from '../../../shared/logger';

/**
 * One endpoint's front door. Balances by least outstanding requests over
 * keep-alive connections, routes around replicas that are removed or refuse
 * a connection, and speaks both the container path (`POST /invocations`) and
 * SageMaker Runtime's (`POST /endpoints/{name}/invocations`), so the AWS SDK
 * client works against it with an `endpoint` override.
 */
export interface RouterHooks {
  /** Every invocation the router accepts; the autoscaler's metric. */
  onInvocation(): void;
  /** A request arrived and no replica is serving: start one (scale from zero). */
  onNoReplica(): void;
  /** A replica refused or dropped a connection: it may be dead. */
  onReplicaError(replicaId: string, error: Error): void;
}

export interface RouterOptions {
  endpoint: string;
  host: string;
  /** 0 for any free port; a restored endpoint asks for its old one. */
  port: number;
  coldStartTimeoutMs: number;
  hooks: RouterHooks;
  /** The endpoint's log. Requests that are answered are not logged: at thousands a second they would drown the rest. */
  log: Logger;
}

interface Backend {
  id: string;
  port: number;
  /** Keep-alive connections to the replica (undici: less per-request work than node:http's client). */
  pool: Pool;
  outstanding: number;
  /** Resolves when a removed backend has no request left in flight. */
  drained?: () => void;
}

/** SageMaker's payload limit for real-time endpoints. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** A replica that died or refused: the request never ran to an answer there. */
const RETRYABLE_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

export class Router {
  private readonly backends: Backend[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly server: http.Server;
  private next = 0;

  private constructor(private readonly options: RouterOptions) {
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.options.log.error({ err: error }, 'router failed a request');
        reply(response, 500, 'InternalFailure', String(error));
      });
    });
    this.server.keepAliveTimeout = 65_000;
  }

  static async start(options: RouterOptions): Promise<Router> {
    const router = new Router(options);
    await router.listen(options.port).catch(async (error: NodeJS.ErrnoException) => {
      // The old port of a restored endpoint may be taken by now; any port will do.
      if (error.code !== 'EADDRINUSE' || options.port === 0) throw error;
      await router.listen(0);
      options.log.warn(
        { oldPort: options.port, port: router.port },
        'router: the old port is taken; the endpoint has a new URL',
      );
    });
    return router;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://${this.options.host}:${this.port}`;
  }

  /** Outstanding requests per backend id. */
  outstanding(): Map<string, number> {
    return new Map(this.backends.map((b) => [b.id, b.outstanding]));
  }

  /** Requests in flight or waiting for a replica: load the metric window may not show yet. */
  busyRequests(): number {
    return this.waiters.size + this.backends.reduce((total, b) => total + b.outstanding, 0);
  }

  addReplica(id: string, port: number): void {
    // Idle sockets close long before the replica's own 300 s idle limit would cut them mid-request.
    const pool = new Pool(`http://127.0.0.1:${port}`, {
      connections: 256,
      keepAliveTimeout: 30_000,
    });
    this.backends.push({ id, port, pool, outstanding: 0 });
    for (const wake of this.waiters) wake();
  }

  /** Stops sending new requests to a replica; resolves once its in-flight ones finish. */
  removeReplica(id: string): Promise<void> {
    const index = this.backends.findIndex((b) => b.id === id);
    if (index < 0) return Promise.resolve();
    const [backend] = this.backends.splice(index, 1) as [Backend];
    const drained =
      backend.outstanding === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => (backend.drained = resolve));
    return drained.then(() => backend.pool.destroy());
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.backends.map((backend) => backend.pool.destroy()));
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = request.url ?? '/';
    if (request.method === 'GET' && url === '/ping') {
      const serving = this.backends.length > 0;
      return reply(response, serving ? 200 : 503, serving ? 'OK' : 'NoReplica', 'no replica');
    }
    const runtimePath = /^\/endpoints\/([^/]+)\/invocations$/.exec(url);
    if (url !== '/invocations' && !runtimePath) {
      return reply(response, 404, 'NotFound', `no route for ${request.method} ${url}`);
    }
    if (runtimePath && decodeURIComponent(runtimePath[1] ?? '') !== this.options.endpoint) {
      return reply(
        response,
        404,
        'ValidationError',
        `Endpoint ${runtimePath[1]} not found; this address serves ${this.options.endpoint}`,
      );
    }
    if (request.method !== 'POST') {
      return reply(response, 405, 'MethodNotAllowed', 'invocations take POST');
    }
    const body = await readBody(request);
    if (body === undefined) {
      return reply(response, 413, 'ValidationError', `the body is over ${MAX_BODY_BYTES} bytes`);
    }
    this.options.hooks.onInvocation();
    await this.forward(request, response, body);
  }

  /** Sends to the least busy replica; a refused connection tries the next one. */
  private async forward(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const tried = new Set<string>();
    for (;;) {
      const backend = await this.pick(tried);
      if (!backend) {
        const message = tried.size
          ? 'every replica refused the connection'
          : `no replica became ready within ${this.options.coldStartTimeoutMs} ms`;
        this.options.log.warn({ replicasTried: [...tried] }, `router answered 503: ${message}`);
        return reply(response, 503, 'ServiceUnavailable', message);
      }
      tried.add(backend.id);
      const outcome = await this.proxy(backend, request, response, body);
      if (outcome === 'done') return;
    }
  }

  private async pick(tried: Set<string>): Promise<Backend | undefined> {
    const candidates = this.backends.filter((b) => !tried.has(b.id));
    if (candidates.length > 0) return this.leastOutstanding(candidates);
    if (tried.size > 0) return undefined;
    this.options.hooks.onNoReplica();
    await this.waitForBackend();
    const ready = this.backends.filter((b) => !tried.has(b.id));
    return ready.length > 0 ? this.leastOutstanding(ready) : undefined;
  }

  /** Round-robin among the least busy, so equal replicas share the load. */
  private leastOutstanding(candidates: Backend[]): Backend {
    const least = Math.min(...candidates.map((b) => b.outstanding));
    const tied = candidates.filter((b) => b.outstanding === least);
    this.next = (this.next + 1) % 1_000_000;
    return tied[this.next % tied.length] as Backend;
  }

  private waitForBackend(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.options.coldStartTimeoutMs);
      this.waiters.add(done);
    });
  }

  private async proxy(
    backend: Backend,
    request: http.IncomingMessage,
    response: http.ServerResponse,
    body: Buffer,
  ): Promise<'done' | 'retry'> {
    backend.outstanding++;
    try {
      const answer = await backend.pool.request({
        path: '/invocations',
        method: 'POST',
        headers: {
          'content-type': request.headers['content-type'] ?? 'application/json',
          accept: request.headers['accept'] ?? 'application/json',
        },
        body,
      });
      const payload = Buffer.from(await answer.body.arrayBuffer());
      response.writeHead(answer.statusCode, {
        'content-type': String(answer.headers['content-type'] ?? 'application/json'),
        'content-length': payload.length,
        'x-amzn-invoked-production-variant': 'AllTraffic',
      });
      response.end(payload);
      return 'done';
    } catch (error) {
      const cause = error as NodeJS.ErrnoException;
      this.options.hooks.onReplicaError(backend.id, cause);
      // Nothing reached the client yet, and inference has no side effects: try another replica.
      if (!response.headersSent && RETRYABLE_ERRORS.has(cause.code ?? '')) {
        this.options.log.debug(
          { replica: backend.id, code: cause.code },
          'replica refused a request; trying another',
        );
        return 'retry';
      }
      this.options.log.warn(
        { replica: backend.id, code: cause.code, reason: cause.message },
        'router answered 502: the replica failed mid-request',
      );
      reply(response, 502, 'ModelError', cause.message);
      return 'done';
    } finally {
      backend.outstanding--;
      if (backend.outstanding === 0) backend.drained?.();
    }
  }
}

function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Errors in the shape SageMaker Runtime answers with, so SDK clients parse them. */
function reply(response: http.ServerResponse, status: number, code: string, message: string) {
  if (response.headersSent) return;
  const body = status === 200 ? '' : JSON.stringify({ __type: code, message });
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': code,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
