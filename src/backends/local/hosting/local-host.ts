import { localRegistryFile } from '../sqlite-registry';
import type {
  DeployRequest,
  EndpointDescription,
  RollbackResult,
  ScalingActivity,
  ScalingPolicy,
} from '../../hosting';
import { EndpointStore } from './endpoint-store';
import { hostLog } from './host-log';
import { LocalEndpoint } from './local-endpoint';
import { endStrayReplicas } from './stray-replicas';

/** An operation on an endpoint that does not exist; the control API answers 404. */
export class EndpointNotFound extends Error {
  override readonly name = 'EndpointNotFound';
  constructor(endpoint: string) {
    super(`endpoint ${endpoint} does not exist; \`ferry endpoints list\` shows the ones that do`);
  }
}

/**
 * Every local endpoint of one Ferry home (DESIGN.md §3, "who owns local
 * endpoints"): the state behind `ferry host`'s control API. Endpoints are
 * restored from the SQLite file when the host starts, once any replicas an
 * earlier host left running are ended.
 */
export class LocalHost {
  private readonly endpoints = new Map<string, LocalEndpoint>();
  private readonly store: EndpointStore;
  private readonly rollbacks = new Map<string, RollbackResult>();
  private readonly creating = new Map<string, Promise<LocalEndpoint>>();

  private constructor(
    home: string,
    private readonly bindHost: string,
  ) {
    this.store = new EndpointStore(localRegistryFile(home));
  }

  static async open(home: string, bindHost = '127.0.0.1'): Promise<LocalHost> {
    const host = new LocalHost(home, bindHost);
    // Before restoring: an endpoint must not come back next to its old replicas.
    await endStrayReplicas(host.store);
    for (const stored of host.store.all()) {
      host.endpoints.set(stored.name, await LocalEndpoint.restore(stored, host.store, bindHost));
    }
    return host;
  }

  list(): EndpointDescription[] {
    return [...this.endpoints.values()].map((endpoint) => endpoint.describe());
  }

  describe(name: string): EndpointDescription {
    return this.get(name).describe();
  }

  async deploy(request: DeployRequest): Promise<EndpointDescription> {
    const existing =
      this.endpoints.get(request.endpoint) ?? (await this.creating.get(request.endpoint));
    if (existing) return existing.deploy(request);
    // Two first deployments at once must make one endpoint, not two routers.
    const creation = LocalEndpoint.create(request, this.store, this.bindHost);
    this.creating.set(request.endpoint, creation);
    try {
      const endpoint = await creation;
      this.endpoints.set(request.endpoint, endpoint);
      return endpoint.describe();
    } finally {
      this.creating.delete(request.endpoint);
    }
  }

  setPolicy(name: string, policy: ScalingPolicy): EndpointDescription {
    return this.get(name).setPolicy(policy);
  }

  /** A repeated rollback answers what the first one did, so a retried activity can record it. */
  async rollback(name: string, deploymentId: string): Promise<RollbackResult> {
    const done = this.rollbacks.get(deploymentId);
    if (done) return done;
    const endpoint = this.endpoints.get(name);
    if (!endpoint) return { action: 'nothing-to-do', endpoint: name };
    const result = await endpoint.rollback(deploymentId);
    if (result.action === 'removed') await this.delete(name);
    if (result.action !== 'nothing-to-do') this.rollbacks.set(deploymentId, result);
    return result;
  }

  async delete(name: string): Promise<boolean> {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) return false;
    this.endpoints.delete(name);
    await endpoint.close({ forget: true });
    hostLog().info({ endpoint: name }, 'endpoint deleted');
    return true;
  }

  scalingActivities(name: string, since?: string): ScalingActivity[] {
    return this.store.activities(name, since);
  }

  /** Stops serving; the endpoints stay in the store and come back with the next host. */
  async close(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((e) => e.close({ forget: false })));
    this.endpoints.clear();
    this.store.close();
  }

  private get(name: string): LocalEndpoint {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw new EndpointNotFound(name);
    return endpoint;
  }
}
