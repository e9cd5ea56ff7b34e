import {
  InvokeEndpointCommand,
  type SageMakerRuntimeClient,
} from '@aws-sdk/client-sagemaker-runtime';
import { RequestError } from '../../loadtest';
import {
  InvocationRefused,
  type EndpointInvoker,
  type InvocationRequest,
} from '../endpoint-invoker';

/**
 * InvokeEndpoint through the SageMaker Runtime client. Each request is one
 * SDK call with the SDK's own retries off: a load test counts what the
 * endpoint answered, and a retried request would hide an error and add its
 * latency to another's.
 */
export function createSageMakerInvoker(
  runtime: SageMakerRuntimeClient,
  request: InvocationRequest,
): EndpointInvoker {
  const body = new TextEncoder().encode(request.body);
  async function invoke(signal?: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const output = await runtime.send(
        new InvokeEndpointCommand({
          EndpointName: request.endpoint,
          Body: body,
          ContentType: request.contentType,
          Accept: request.accept,
        }),
        { abortSignal, maxAttempts: 1 } as Parameters<SageMakerRuntimeClient['send']>[1],
      );
      return output.Body ? new TextDecoder().decode(output.Body) : '';
    } catch (error) {
      if (timeout.aborted)
        throw new RequestError('timeout', `no answer within ${request.timeoutMs} ms`);
      throw error;
    }
  }
  return {
    send: async (signal) => {
      await invoke(signal);
    },
    async invokeOnce() {
      try {
        return await invoke();
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode;
        const message = `InvokeEndpoint ${request.endpoint} failed: ${(error as Error).message}`;
        throw status !== undefined && status < 500 && status !== 429
          ? new InvocationRefused(message)
          : new Error(message);
      }
    },
    close: () => undefined,
  };
}
