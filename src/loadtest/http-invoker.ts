import http from 'node:http';
import https from 'node:https';
import { RequestError, errorKind } from './request-error';

/**
 * One load-test request, as a POST of a fixed body to a local endpoint.
 * Connections are kept alive so the test measures the model, not TCP
 * handshakes; the socket cap is high because an open loop must not queue
 * requests on the client side (that queueing would be counted as the
 * server's latency, and worse, would throttle the offered load).
 */

export interface HttpInvokerOptions {
  url: string;
  body: string | Uint8Array;
  contentType: string;
  accept?: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Default 1024. */
  maxSockets?: number;
}

/** Plain function properties (no `this`), so `invoker.send` can be passed on as a RequestSender. */
export interface HttpInvoker {
  /**
   * Resolves once a 2xx response has been read to its end; rejects with a
   * RequestError whose kind is "http-<status>", "timeout",
   * "connection-refused", "connection-reset", "aborted" or "other".
   */
  send: (signal?: AbortSignal) => Promise<void>;
  /** Closes the kept-alive connections; requests still in flight fail. */
  close: () => void;
}

const DEFAULT_MAX_SOCKETS = 1024;

export function createHttpInvoker(options: HttpInvokerOptions): HttpInvoker {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RequestError(
      'other',
      `load test url ${options.url} is not http(s); give an http:// or https:// address`,
    );
  }
  const transport = url.protocol === 'https:' ? https : http;
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  const agentOptions = {
    keepAlive: true,
    maxSockets,
    // Node keeps only 256 idle sockets by default and closes the rest, so a
    // burst past 256 in flight would pay a new connection per request from
    // then on: the costliest part of a request, just when the load is highest.
    maxFreeSockets: maxSockets,
    // The most recently used socket is the least likely to have been closed
    // by the server's keep-alive timeout.
    scheduling: 'lifo' as const,
  };
  const agent =
    url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const headers: http.OutgoingHttpHeaders = {
    ...options.headers,
    'content-type': options.contentType,
    'content-length': body.byteLength,
    ...(options.accept === undefined ? {} : { accept: options.accept }),
  };

  function send(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RequestError('aborted', 'the request was aborted before it was sent'));
        return;
      }
      let isSettled = false;
      const request = transport.request(url, { method: 'POST', agent, headers });
      // A response read to its end leaves a reusable socket; anything else is torn down.
      const finish = (error?: Error, isResponseComplete = false) => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (!isResponseComplete) request.destroy();
        if (error) {
          reject(error instanceof RequestError ? error : toRequestError(error));
        } else {
          resolve();
        }
      };
      // A total deadline (not the socket idle timeout): a server that trickles
      // bytes must still fail in time.
      const timer = setTimeout(
        () => finish(new RequestError('timeout', `no response within ${options.timeoutMs} ms`)),
        // setTimeout treats anything over 2^31 - 1 ms as 1 ms.
        Math.min(options.timeoutMs, 2_147_483_647),
      );
      const onAbort = () => finish(new RequestError('aborted', 'the request was aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });

      request.on('error', (error) => finish(error));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        // Read the body to its end in every case, so the socket can be reused.
        response.resume();
        response.on('error', (error) => finish(error));
        response.on('end', () =>
          finish(
            status >= 200 && status < 300
              ? undefined
              : new RequestError(`http-${status}`, `the endpoint answered HTTP ${status}`),
            true,
          ),
        );
        // After 'end' this is a no-op; before it, the server hung up mid-body.
        // The error is made only when it is one: an Error's stack trace costs more than the request.
        response.on('close', () => {
          if (!isSettled)
            finish(new RequestError('connection-reset', 'the connection closed mid-response'));
        });
      });
      request.end(body);
    });
  }

  return { send, close: () => agent.destroy() };
}

function toRequestError(error: Error): RequestError {
  return new RequestError(errorKind(error), error.message, { cause: error });
}
