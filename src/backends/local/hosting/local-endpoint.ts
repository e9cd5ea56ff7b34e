import {
  EndpointBusy,
  type DeploymentOutcome,
  type DeployRequest,
  type DeployedVersion,
  type EndpointDescription,
  type EndpointStatus,
  type ReplicaState,
  type RollbackResult,
  type ScalingPolicy,
} from '../../hosting';
import { versionRef } from '../../../text/release-words';
import type { Logger } from '../../../shared/logger';
import type { EndpointStore, StoredEndpoint } from './endpoint-store';
import { hostLog } from './host-log';
import { pingReplica, startReplica, type ReplicaProcess } from './replica';
import { Router } from './router';
import { decideScaling, InvocationWindow } from './scaling-decision';

interface ReplicaSlot {
  id: string;
  deploymentId: string;
  state: ReplicaState;
  process?: ReplicaProcess;
  failedPings: number;
}

const TICK_MS = 500;
const PING_TIMEOUT_MS = 1000;
/** Two missed pings in a row and a replica is replaced; one can be a GC pause. */
const MAX_FAILED_PINGS = 2;
const DRAIN_TIMEOUT_MS = 30_000;
const RECENT_OUTCOMES = 50;

/**
 * One local endpoint: its router, its replica processes, and the autoscaler
 * that sizes them. Deployments are blue/green: the new version's replicas
 * answer /ping before the router sends them traffic, then the old ones drain.
 */
export class LocalEndpoint {
  private status: EndpointStatus;
  private readonly replicas: ReplicaSlot[] = [];
  private readonly window = new InvocationWindow();
  private pending?: DeployedVersion;
  private lastFailure?: EndpointDescription['lastFailure'];
  private readonly outcomes: DeploymentOutcome[] = [];
  private lastScaleOutAtMs = Date.now();
  private lastScaleInAtMs = 0;
  private replicaCounter = 0;
  private readonly ticker: NodeJS.Timeout;
  private ticks = 0;
  private closed = false;

  private constructor(
    private state: StoredEndpoint & { autoscaling: boolean },
    private readonly router: Router,
    private readonly store: EndpointStore,
    status: EndpointStatus,
    /** Every line names the endpoint; rollouts and replicas add their deployment. */
    private readonly log: Logger,
  ) {
    this.status = status;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  /** A new endpoint; its first version rolls out in the background. */
  static async create(
    request: DeployRequest,
    store: EndpointStore,
    host: string,
  ): Promise<LocalEndpoint> {
    const version = deployedVersion(request);
    const holder: { endpoint?: LocalEndpoint } = {};
    const log = hostLog().child({ endpoint: request.endpoint });
    const router = await Router.start({
      endpoint: request.endpoint,
      host,
      port: 0,
      coldStartTimeoutMs: request.policy.coldStartTimeoutSeconds * 1000,
      hooks: routerHooks(holder),
      log,
    });
    const state = {
      name: request.endpoint,
      port: router.port,
      policy: request.policy,
      current: version,
      desiredReplicas: 0,
      createdAt: new Date().toISOString(),
      autoscaling: false,
    };
    const endpoint = new LocalEndpoint(state, router, store, 'Creating', log);
    holder.endpoint = endpoint;
    log.info({ url: router.url }, 'endpoint created');
    void endpoint.rollOut(version, Math.max(1, request.policy.minReplicas), true);
    return endpoint;
  }

  /** An endpoint the host served before it restarted: same port if free, same version and size. */
  static async restore(stored: StoredEndpoint, store: EndpointStore, host: string) {
    const holder: { endpoint?: LocalEndpoint } = {};
    const log = hostLog().child({ endpoint: stored.name });
    const router = await Router.start({
      endpoint: stored.name,
      host,
      port: stored.port,
      coldStartTimeoutMs: stored.policy.coldStartTimeoutSeconds * 1000,
      hooks: routerHooks(holder),
      log,
    });
    const state = { autoscaling: false, ...stored, port: router.port };
    const endpoint = new LocalEndpoint(state, router, store, 'InService', log);
    holder.endpoint = endpoint;
    log.info(
      {
        url: router.url,
        deploymentId: stored.current.deploymentId,
        model: versionRef(stored.current.model),
        replicas: stored.desiredReplicas,
      },
      'endpoint restored',
    );
    endpoint.persist();
    endpoint.reconcile();
    return endpoint;
  }

  get name(): string {
    return this.state.name;
  }

  describe(): EndpointDescription {
    const outstanding = this.router.outstanding();
    const isFirstRollout = this.status === 'Creating' || this.status === 'Failed';
    return {
      name: this.state.name,
      status: this.status,
      url: this.router.url,
      current: isFirstRollout ? undefined : this.state.current,
      previous: this.state.previous,
      pending: this.pending,
      replicas: this.replicas.map((slot) => ({
        id: slot.id,
        deploymentId: slot.deploymentId,
        port: slot.process?.port ?? 0,
        pid: slot.process?.pid ?? 0,
        state: slot.state,
        outstanding: outstanding.get(slot.id) ?? 0,
      })),
      desiredReplicas: this.state.desiredReplicas,
      policy: this.state.policy,
      autoscaling: this.state.autoscaling,
      lastFailure: this.lastFailure,
      recentDeployments: [...this.outcomes],
      createdAt: this.state.createdAt,
    };
  }

  /** Same deployment id as the current, pending or failed one: nothing new happens. */
  deploy(request: DeployRequest): EndpointDescription {
    const id = request.deploymentId;
    const known = [this.state.current.deploymentId, this.pending?.deploymentId];
    if (known.includes(id) || this.outcomes.some((o) => o.deploymentId === id)) {
      return this.describe();
    }
    this.refuseWhileBusy(id);
    this.state.policy = request.policy;
    const size = Math.max(1, this.state.policy.minReplicas, this.servingCount());
    // After a first deployment that failed, the next one is still a first.
    void this.rollOut(deployedVersion(request), size, this.status === 'Failed');
    return this.describe();
  }

  setPolicy(policy: ScalingPolicy): EndpointDescription {
    this.state.policy = policy;
    this.state.autoscaling = true;
    this.log.info({ policy }, 'scaling policy set');
    const clamped = Math.min(
      policy.maxReplicas,
      Math.max(policy.minReplicas, this.state.desiredReplicas),
    );
    if (clamped !== this.state.desiredReplicas) {
      this.resize(
        clamped,
        `scaling policy set: min ${policy.minReplicas}, max ${policy.maxReplicas}`,
      );
    }
    this.persist();
    return this.describe();
  }

  /**
   * Undoes a deployment that is still current: the previous version comes
   * back blue/green, or a first deployment is removed (the caller deletes).
   */
  async rollback(deploymentId: string): Promise<RollbackResult> {
    const endpoint = this.state.name;
    if (this.pending?.deploymentId === deploymentId) {
      // The rollout sees it is no longer wanted and stops what it started.
      this.pending = undefined;
      return { action: this.status === 'Creating' ? 'removed' : 'nothing-to-do', endpoint };
    }
    if (this.state.current.deploymentId !== deploymentId) {
      return { action: 'nothing-to-do', endpoint };
    }
    this.refuseWhileBusy(`a rollback of ${deploymentId}`);
    const previous = this.state.previous;
    if (!previous) {
      this.log.info({ deploymentId }, 'rollback: a first deployment, so the endpoint goes');
      return { action: 'removed', endpoint };
    }
    this.log.info(
      { deploymentId, restoring: versionRef(previous.model) },
      'rollback: restoring the previous version',
    );
    const size = Math.max(1, this.state.policy.minReplicas, this.servingCount());
    const restored = {
      ...previous,
      deploymentId: `${deploymentId}-rollback`,
      since: new Date().toISOString(),
    };
    await this.rollOut(restored, size, false);
    if (this.state.current.deploymentId !== restored.deploymentId) {
      throw new Error(
        `rolling ${endpoint} back to ${previous.model.group} v${previous.model.version} failed: ${this.lastFailure?.reason ?? 'unknown'}`,
      );
    }
    // A second rollback must not swing back to the version that failed.
    this.state.previous = undefined;
    this.persist();
    return { action: 'restored', endpoint, restored: previous.model };
  }

  async close(options: { forget: boolean }): Promise<void> {
    this.closed = true;
    this.log.info({ isForgotten: options.forget }, 'endpoint closing');
    clearInterval(this.ticker);
    this.pending = undefined;
    await this.router.close();
    await Promise.all(this.replicas.map((slot) => slot.process?.stop() ?? Promise.resolve()));
    this.replicas.length = 0;
    if (options.forget) this.store.remove(this.state.name);
  }

  // --- rollouts ---------------------------------------------------------------

  private async rollOut(version: DeployedVersion, size: number, isFirst: boolean): Promise<void> {
    const log = this.log.child({ deploymentId: version.deploymentId });
    this.pending = version;
    this.status = isFirst ? 'Creating' : 'Updating';
    log.info({ model: versionRef(version.model), replicas: size, isFirst }, 'rollout started');
    const starts = await Promise.allSettled(
      Array.from({ length: size }, () => this.startSlot(version.deploymentId, false)),
    );
    const started = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const superseded = this.pending?.deploymentId !== version.deploymentId || this.closed;
    if (failure || superseded) {
      // Withdrawn by a rollback: the endpoint is back to what it served before.
      if (!this.pending && !this.closed) this.status = isFirst ? 'Failed' : 'InService';
      await Promise.all(started.map((slot) => this.retire(slot)));
      if (failure && !superseded) {
        this.pending = undefined;
        this.lastFailure = {
          deploymentId: version.deploymentId,
          reason: String((failure.reason as Error).message ?? failure.reason),
          at: new Date().toISOString(),
        };
        this.remember({ ...this.lastFailure, state: 'failed' });
        this.status = isFirst ? 'Failed' : 'InService';
        log.error({ reason: this.lastFailure.reason, status: this.status }, 'rollout failed');
      } else {
        log.info('rollout withdrawn before it went live');
      }
      return;
    }
    const old = this.replicas.filter((slot) => slot.deploymentId !== version.deploymentId);
    for (const slot of started) this.admit(slot);
    if (!isFirst) this.state.previous = this.state.current;
    this.state.current = version;
    this.pending = undefined;
    this.lastFailure = undefined;
    this.status = 'InService';
    this.remember({
      deploymentId: version.deploymentId,
      state: 'live',
      at: new Date().toISOString(),
    });
    this.recordActivity(this.state.desiredReplicas, size, `deployed ${describeVersion(version)}`);
    log.info({ model: versionRef(version.model), replicas: size }, 'rollout live');
    this.state.desiredReplicas = size;
    this.lastScaleOutAtMs = Date.now();
    this.persist();
    await Promise.all(old.map((slot) => this.retire(slot)));
  }

  /** Starts a replica of a deployment; it joins the router only when `admit`ted. */
  private async startSlot(deploymentId: string, admitWhenReady: boolean): Promise<ReplicaSlot> {
    const version = this.versionOf(deploymentId);
    const slot: ReplicaSlot = {
      id: `${this.state.name}-r${++this.replicaCounter}`,
      deploymentId,
      state: 'starting',
      failedPings: 0,
    };
    this.replicas.push(slot);
    try {
      slot.process = await startReplica({
        algorithm: version.model.algorithm,
        modelDir: version.model.modelDir,
        ledger: {
          record: (pid, startId) =>
            this.store.recordReplica({ pid, startId, endpoint: this.state.name, replica: slot.id }),
          forget: (pid) => this.store.forgetReplica(pid),
        },
      });
    } catch (error) {
      this.forget(slot);
      throw error;
    }
    void slot.process.exited.then((exit) => this.onExit(slot, exit));
    this.log.info(
      { replica: slot.id, deploymentId, pid: slot.process.pid, port: slot.process.port },
      'replica started',
    );
    if (this.closed || !this.replicas.includes(slot)) {
      await slot.process.stop();
      throw new Error(`replica ${slot.id} was no longer wanted`);
    }
    if (admitWhenReady) this.admit(slot);
    return slot;
  }

  private admit(slot: ReplicaSlot): void {
    slot.state = 'ready';
    this.router.addReplica(slot.id, slot.process?.port ?? 0);
  }

  /** Drains a replica (in-flight requests finish) and stops its process. */
  private async retire(slot: ReplicaSlot): Promise<void> {
    slot.state = 'draining';
    const drained = this.router.removeReplica(slot.id);
    await Promise.race([drained, delay(DRAIN_TIMEOUT_MS)]);
    this.forget(slot);
    await slot.process?.stop();
    this.log.info({ replica: slot.id, deploymentId: slot.deploymentId }, 'replica retired');
  }

  private forget(slot: ReplicaSlot): void {
    const index = this.replicas.indexOf(slot);
    if (index >= 0) this.replicas.splice(index, 1);
  }

  private onExit(slot: ReplicaSlot, exit: { code: number | null; signal: string | null }) {
    if (!this.replicas.includes(slot) || slot.state === 'draining') return;
    this.forget(slot);
    void this.router.removeReplica(slot.id);
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    this.log.warn(
      { replica: slot.id, deploymentId: slot.deploymentId, code: exit.code, signal: exit.signal },
      'replica exited; replacing it',
    );
    const serving = this.servingCount();
    this.recordActivity(serving + 1, serving, `replica ${slot.id} exited (${how}); replacing it`);
    this.reconcile();
  }

  // --- the autoscaler -----------------------------------------------------------

  private tick(): void {
    if (this.closed || this.status !== 'InService') return;
    this.ticks++;
    if (this.ticks % 2 === 0) void this.checkHealth();
    if (!this.state.autoscaling) return this.reconcile();
    const now = Date.now();
    // A request waiting out a cold start longer than the window must not see
    // its replica scaled away before it is served.
    const invocations = Math.max(
      this.window.count(now, this.state.policy.metricWindowSeconds * 1000),
      this.router.busyRequests(),
    );
    const decision = decideScaling(
      this.state.policy,
      {
        replicas: this.state.desiredReplicas,
        lastScaleOutAtMs: this.lastScaleOutAtMs,
        lastScaleInAtMs: this.lastScaleInAtMs,
      },
      invocations,
      now,
    );
    if (decision) this.resize(decision.toReplicas, decision.cause);
    else this.reconcile();
  }

  onInvocation(): void {
    this.window.record(Date.now());
  }

  /** A request found no replica: scale from zero at once, whatever the cooldown. */
  onNoReplica(): void {
    if (this.state.desiredReplicas === 0 && this.status === 'InService') {
      this.resize(1, 'a request arrived while scaled to zero: cold start');
    }
  }

  private resize(toReplicas: number, cause: string): void {
    const from = this.state.desiredReplicas;
    if (toReplicas === from) return;
    this.state.desiredReplicas = toReplicas;
    if (toReplicas > from) this.lastScaleOutAtMs = Date.now();
    else this.lastScaleInAtMs = Date.now();
    this.recordActivity(from, toReplicas, cause);
    this.log.info({ fromReplicas: from, toReplicas, cause }, 'scaling');
    this.persist();
    this.reconcile();
  }

  /** Starts or drains replicas of the current version until their count is the desired one. */
  private reconcile(): void {
    if (this.closed || this.status !== 'InService') return;
    const mine = this.replicas.filter(
      (slot) => slot.deploymentId === this.state.current.deploymentId && slot.state !== 'draining',
    );
    const missing = this.state.desiredReplicas - mine.length;
    for (let i = 0; i < missing; i++) {
      this.startSlot(this.state.current.deploymentId, true).catch((error: Error) => {
        this.lastFailure = {
          deploymentId: this.state.current.deploymentId,
          reason: `a replica failed to start: ${error.message}`,
          at: new Date().toISOString(),
        };
        this.log.error(
          { deploymentId: this.state.current.deploymentId, reason: error.message },
          'replica failed to start',
        );
      });
    }
    if (missing >= 0) return;
    const outstanding = this.router.outstanding();
    // Starting replicas go first, then the least busy.
    const excess = [...mine]
      .sort((a, b) => rank(a, outstanding) - rank(b, outstanding))
      .slice(0, -missing);
    for (const slot of excess) void this.retire(slot);
  }

  private async checkHealth(): Promise<void> {
    const ready = this.replicas.filter((slot) => slot.state === 'ready' && slot.process);
    await Promise.all(
      ready.map(async (slot) => {
        const healthy = await pingReplica(slot.process?.url ?? '', PING_TIMEOUT_MS);
        slot.failedPings = healthy ? 0 : slot.failedPings + 1;
        // Killing it lets onExit log and replace it, the same path as a crash.
        if (slot.failedPings >= MAX_FAILED_PINGS) {
          this.log.warn(
            { replica: slot.id, deploymentId: slot.deploymentId, failedPings: slot.failedPings },
            'replica stopped answering /ping; killing it',
          );
          void slot.process?.stop(0);
        }
      }),
    );
  }

  onReplicaError(replicaId: string): void {
    const slot = this.replicas.find((s) => s.id === replicaId);
    if (slot && slot.process && !slot.process.isAlive())
      this.onExit(slot, { code: null, signal: null });
  }

  // --- bookkeeping ----------------------------------------------------------------

  /** One rollout at a time: a second is refused until the first ends (the caller retries). */
  private refuseWhileBusy(what: string): void {
    if (this.pending) {
      throw new EndpointBusy(
        `endpoint ${this.state.name} is ${this.status} with deployment ${this.pending.deploymentId}; ` +
          `${what} can start when it is InService`,
      );
    }
  }

  private remember(outcome: DeploymentOutcome): void {
    this.outcomes.push(outcome);
    if (this.outcomes.length > RECENT_OUTCOMES) this.outcomes.shift();
  }

  private servingCount(): number {
    return this.replicas.filter(
      (slot) => slot.deploymentId === this.state.current.deploymentId && slot.state !== 'draining',
    ).length;
  }

  private versionOf(deploymentId: string): DeployedVersion {
    const candidates = [this.pending, this.state.current, this.state.previous];
    const version = candidates.find((v) => v?.deploymentId === deploymentId);
    if (!version) throw new Error(`no version ${deploymentId} on ${this.state.name}`);
    return version;
  }

  private recordActivity(fromReplicas: number, toReplicas: number, cause: string): void {
    this.store.addActivity({
      at: new Date().toISOString(),
      endpoint: this.state.name,
      fromReplicas,
      toReplicas,
      cause,
    });
  }

  private persist(): void {
    if (this.status === 'Creating' || this.status === 'Failed' || this.closed) return;
    this.store.save({ ...this.state, port: this.router.port });
  }
}

function deployedVersion(request: DeployRequest): DeployedVersion {
  return {
    deploymentId: request.deploymentId,
    model: request.model,
    since: new Date().toISOString(),
  };
}

function describeVersion(version: DeployedVersion): string {
  return `${version.model.group} v${version.model.version} (${version.deploymentId})`;
}

function routerHooks(holder: { endpoint?: LocalEndpoint }) {
  return {
    onInvocation: () => holder.endpoint?.onInvocation(),
    onNoReplica: () => holder.endpoint?.onNoReplica(),
    onReplicaError: (id: string) => holder.endpoint?.onReplicaError(id),
  };
}

function rank(slot: ReplicaSlot, outstanding: Map<string, number>): number {
  return slot.state === 'starting' ? -1 : (outstanding.get(slot.id) ?? 0);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
