import {
  EndpointBusy,
  HostingError,
  type DeployRequest,
  type EndpointDescription,
  type Hosting,
  type RollbackResult,
  type ScalingActivity,
  type ScalingPolicy,
} from '../../hosting';
import { ensureHost, type EnsureHostOptions } from './ensure-host';
import type { HostRecord } from './host-record';

/**
 * The local backend's Hosting: calls to the control API of this home's
 * `ferry host`, which it starts if none runs. A 4xx answer is a request that
 * no retry will fix (HostingError), except 409 (EndpointBusy); anything else
 * may pass on a retry.
 */
export class LocalHostingClient implements Hosting {
  /** A local replica is up within a second or two; each read is one loopback request. */
  readonly rolloutPolling = { firstMs: 250, maxMs: 250 };
  private record?: HostRecord;

  constructor(
    private readonly home: string,
    private readonly hostOptions: EnsureHostOptions = {},
  ) {}

  deploy(request: DeployRequest): Promise<EndpointDescription> {
    return this.call('PUT', `/endpoints/${encodeURIComponent(request.endpoint)}`, request);
  }

  async describe(endpoint: string): Promise<EndpointDescription | undefined> {
    try {
      return await this.call('GET', `/endpoints/${encodeURIComponent(endpoint)}`);
    } catch (error) {
      if (error instanceof HostingError && error.message.includes('does not exist'))
        return undefined;
      throw error;
    }
  }

  list(): Promise<EndpointDescription[]> {
    return this.call('GET', '/endpoints');
  }

  setScalingPolicy(endpoint: string, policy: ScalingPolicy): Promise<EndpointDescription> {
    return this.call('PUT', `/endpoints/${encodeURIComponent(endpoint)}/policy`, policy);
  }

  rollback(endpoint: string, deploymentId: string): Promise<RollbackResult> {
    return this.call('POST', `/endpoints/${encodeURIComponent(endpoint)}/rollback`, {
      deploymentId,
    });
  }

  async delete(endpoint: string): Promise<boolean> {
    const answer = await this.call<{ deleted: boolean }>(
      'DELETE',
      `/endpoints/${encodeURIComponent(endpoint)}`,
    );
    return answer.deleted;
  }

  scalingActivities(endpoint: string, since?: string): Promise<ScalingActivity[]> {
    const query = since ? `?since=${encodeURIComponent(since)}` : '';
    return this.call(
      'GET',
      `/endpoints/${encodeURIComponent(endpoint)}/scaling-activities${query}`,
    );
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    this.record ??= await ensureHost(this.home, this.hostOptions);
    let response: Response;
    try {
      response = await this.send(this.record, method, path, body);
    } catch {
      // The host may have restarted on another port: look it up again, once.
      this.record = await ensureHost(this.home, this.hostOptions);
      response = await this.send(this.record, method, path, body);
    }
    const answer = (await response.json()) as T & { message?: string };
    if (response.ok) return answer;
    const message = `ferry host: ${method} ${path}: ${answer.message ?? response.statusText}`;
    // 409: busy with another deployment; that one ends soon, so a retry succeeds.
    if (response.status === 409) throw new EndpointBusy(message);
    if (response.status >= 400 && response.status < 500) throw new HostingError(message);
    throw new Error(message);
  }

  private send(record: HostRecord, method: string, path: string, body?: unknown) {
    return fetch(`${record.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${record.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
  }
}
