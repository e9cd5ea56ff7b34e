/** What a load test sends to an endpoint: one fixed request, many times. */
export interface InvocationRequest {
  endpoint: string;
  /** The local router's base URL (unused by SageMaker, which addresses endpoints by name). */
  url: string;
  body: string;
  contentType: string;
  accept: string;
  timeoutMs: number;
}

/**
 * Calls one endpoint the way its users would: the local backend over HTTP to
 * the router, the SageMaker backend through InvokeEndpoint. `send` is the
 * load generator's request (resolves on success, rejects with an error the
 * load test can classify); `invokeOnce` returns the answer's text.
 */
export interface EndpointInvoker {
  send: (signal?: AbortSignal) => Promise<void>;
  invokeOnce(): Promise<string>;
  close(): void;
}

/** A request the endpoint refused for what was sent (4xx): no retry will change the answer. */
export class InvocationRefused extends Error {
  override readonly name = 'InvocationRefused';
}
