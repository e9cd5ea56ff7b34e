import { createHttpInvoker } from '../../loadtest';
import {
  InvocationRefused,
  type EndpointInvoker,
  type InvocationRequest,
} from '../endpoint-invoker';

/** The local router's `POST <url>/invocations`, over kept-alive HTTP. */
export function createLocalInvoker(request: InvocationRequest): EndpointInvoker {
  const url = `${request.url}/invocations`;
  const http = createHttpInvoker({
    url,
    body: request.body,
    contentType: request.contentType,
    accept: request.accept,
    timeoutMs: request.timeoutMs,
  });
  return {
    send: http.send,
    close: http.close,
    async invokeOnce() {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': request.contentType, accept: request.accept },
        body: request.body,
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      const text = await response.text();
      if (response.ok) return text;
      const message = `endpoint ${request.endpoint} answered HTTP ${response.status}: ${text.slice(0, 300)}`;
      throw response.status < 500 ? new InvocationRefused(message) : new Error(message);
    },
  };
}
