import {
  AddTagsCommand,
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  ListEndpointsCommand,
  UpdateEndpointCommand,
  type DescribeEndpointOutput,
} from '@aws-sdk/client-sagemaker';
import {
  EndpointBusy,
  HostingError,
  type DeployRequest,
  type EndpointDescription,
  type Hosting,
  type RollbackResult,
  type ScalingActivity,
  type ScalingPolicy,
} from '../hosting';
import type { AwsClients } from './aws-clients';
import { awsCall, isAlreadyExists, isNotFound, translateAwsError } from './aws-errors';
import { frameworkImage } from './framework-images';
import {
  configsToRead,
  currentAndPending,
  toEndpointDescription,
  type EndpointVersions,
} from './hosting-description';
import { findEndpoint, listTags, readConfigVersion, type ConfigVersion } from './hosting-lookups';
import { ensureEndpointConfig, ensureModel } from './hosting-resources';
import { policyTagValue, TAG, toTags, versionTags } from './hosting-tags';
import { resolveRegion, runtimeUrl } from './hosting-url';
import { sagemakerName } from './resource-names';
import type { SageMakerSettings } from '../sagemaker-settings';
import { scalingActivitiesOrNone } from './scaling-activities';
import {
  deregisterScaling,
  isScalingRegistered,
  minInstances,
  putScalingPolicy,
} from './scaling-target';
import { ensureSourceBundle } from './source-bundle';
import { SAGEMAKER_POLLING } from './sagemaker-polling';

/** SageMaker states in which UpdateEndpoint and DeleteEndpoint are refused until the endpoint settles. */
const MOVING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

/** How long SageMaker keeps the old (blue) fleet after shifting all traffic, before it is terminated. */
const TERMINATION_WAIT_SECONDS = 120;

/**
 * Hosting (DESIGN.md §3) on SageMaker real-time endpoints and Application
 * Auto Scaling. Names derive from the deployment id, every create is
 * describe-first, and what SageMaker cannot record (deployment ids, registry
 * versions, the previous config, the policy) lives in tags, so any worker
 * or a retried activity finds what an earlier attempt made. Reading,
 * scaling and deleting endpoints need only a region (the CLI has no more);
 * deploying and rolling back need the pipeline's sagemaker section.
 */
export class SageMakerHosting implements Hosting {
  /** Each read is three calls (DescribeEndpoint, ListTags, DescribeScalableTargets). */
  readonly rolloutPolling = SAGEMAKER_POLLING;
  /** The report's "scaling activities unavailable" warning, said once per worker. */
  private readonly scalingWarning = { isWarned: false };
  /**
   * Endpoint configs read so far. A config, its tags (written only when it
   * is made) and its model never change, and the deploy activity describes
   * the endpoint again and again: without this each read costs six more calls.
   */
  private readonly configs = new Map<string, ConfigVersion>();

  constructor(
    private readonly clients: AwsClients,
    private readonly settings?: SageMakerSettings,
  ) {}

  async deploy(request: DeployRequest): Promise<EndpointDescription> {
    const settings = this.settingsFor(`deploying endpoint ${request.endpoint}`);
    const configName = sagemakerName(request.deploymentId);
    let endpoint = await findEndpoint(this.clients.sagemaker, request.endpoint);
    if (endpoint) {
      const tags = await listTags(this.clients.sagemaker, endpoint.EndpointArn ?? '');
      // The same deployment again (a retried activity): nothing new, whether
      // it is serving, still rolling out, or failed.
      if (isAskedFor(endpoint, tags, configName)) {
        return this.describeOrFail(request.endpoint);
      }
      if (MOVING.has(endpoint.EndpointStatus ?? '')) {
        throw new EndpointBusy(
          `endpoint ${request.endpoint} is ${endpoint.EndpointStatus} for another deployment; ${request.deploymentId} waits for it`,
        );
      }
      if (endpoint.EndpointStatus === 'Failed') {
        // A failed endpoint cannot be updated; as on the local backend, the
        // next deployment after a failed first one is a first again.
        await this.deleteEndpointOnly(request.endpoint);
        endpoint = undefined;
      }
    }
    await this.ensureModel(request, configName, settings);
    await ensureEndpointConfig(this.clients.sagemaker, {
      name: configName,
      modelName: configName,
      instanceType: settings.endpointInstanceType,
      // A real-time endpoint needs at least one instance; scale to zero is
      // a local-backend feature.
      instanceCount: minInstances(request.policy),
      tags: [
        ...versionTags(request.deploymentId, request.model),
        ...toTags({ [TAG.previousConfig]: endpoint?.EndpointConfigName }),
      ],
    });
    if (endpoint) {
      await this.moveEndpoint(request.endpoint, endpoint, configName, request.policy);
    } else {
      await this.createEndpoint(request.endpoint, configName, request.policy);
    }
    return this.describeOrFail(request.endpoint);
  }

  async describe(name: string): Promise<EndpointDescription | undefined> {
    const endpoint = await findEndpoint(this.clients.sagemaker, name);
    if (!endpoint) return undefined;
    const sagemaker = this.clients.sagemaker;
    const tags = await listTags(sagemaker, endpoint.EndpointArn ?? '');
    const names = configsToRead(endpoint, tags);
    const versions: EndpointVersions = {
      served: await this.readConfig(names.served),
      latest: await this.readConfig(names.latest),
    };
    if (endpoint.EndpointStatus === 'Updating' && !versions.latest) {
      versions.servedBefore = await this.readConfig(versions.served?.previousConfig);
    }
    const { current } = currentAndPending(endpoint, versions);
    versions.previous = await this.readConfig(current?.previousConfig);
    return toEndpointDescription({
      endpoint,
      tags,
      versions,
      url: runtimeUrl(await resolveRegion(this.clients, this.settings), name),
      isAutoscaling: await isScalingRegistered(this.clients.autoscaling, name),
    });
  }

  /** The endpoints this backend made (tagged ferry:managed), across every page. */
  async list(): Promise<EndpointDescription[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await awsCall('ListEndpoints', 'endpoints', () =>
        this.clients.sagemaker.send(new ListEndpointsCommand({ NextToken })),
      );
      for (const summary of page.Endpoints ?? []) {
        const tags = await listTags(this.clients.sagemaker, summary.EndpointArn ?? '');
        if (tags.get(TAG.managed) === 'true' && summary.EndpointName) {
          names.push(summary.EndpointName);
        }
      }
      NextToken = page.NextToken;
    } while (NextToken);
    const descriptions = await Promise.all(names.map((name) => this.describe(name)));
    // One deleted between the listing and its describe is simply gone.
    return descriptions.filter((d): d is EndpointDescription => d !== undefined);
  }

  async setScalingPolicy(name: string, policy: ScalingPolicy): Promise<EndpointDescription> {
    const endpoint = await this.endpointOrFail(name);
    await putScalingPolicy(this.clients.autoscaling, name, policy);
    await this.tagEndpoint(endpoint, { [TAG.policy]: policyTagValue(policy) });
    return this.describeOrFail(name);
  }

  async scalingActivities(name: string, since?: string): Promise<ScalingActivity[]> {
    return scalingActivitiesOrNone(this.clients.autoscaling, name, since, this.scalingWarning);
  }

  /**
   * Undoes `deploymentId` if the endpoint still serves it: back to the config
   * it replaced (through a new config, so the restored version has its own
   * deployment id and a second rollback does not swing back), or, for a
   * first deployment, the endpoint goes. A retry after either answers the
   * same, so the activity can record what happened.
   */
  async rollback(name: string, deploymentId: string): Promise<RollbackResult> {
    const sagemaker = this.clients.sagemaker;
    const rollbackName = sagemakerName(deploymentId, 'rollback');
    const endpoint = await findEndpoint(sagemaker, name);
    if (!endpoint) {
      // Removed by an earlier attempt if the deployment was a first one (read
      // past the cache: delete() may have removed the config since).
      const own = await readConfigVersion(sagemaker, sagemakerName(deploymentId));
      const isFirst = own !== undefined && own.previousConfig === undefined;
      return { action: isFirst ? 'removed' : 'nothing-to-do', endpoint: name };
    }
    const tags = await listTags(sagemaker, endpoint.EndpointArn ?? '');
    if (isAskedFor(endpoint, tags, rollbackName)) {
      const restored = await this.readConfig(rollbackName);
      return { action: 'restored', endpoint: name, restored: restored?.version.model };
    }
    if (MOVING.has(endpoint.EndpointStatus ?? '')) {
      throw new EndpointBusy(
        `endpoint ${name} is ${endpoint.EndpointStatus}; the rollback of ${deploymentId} waits for it`,
      );
    }
    const current = await this.readConfig(endpoint.EndpointConfigName);
    if (current?.version.deploymentId !== deploymentId) {
      return { action: 'nothing-to-do', endpoint: name };
    }
    const previous = await this.readConfig(current.previousConfig);
    if (current.previousConfig && !previous) {
      // The endpoint served something before this deployment, but not a
      // config of ours that can be read back: never remove it, ask a person.
      throw new HostingError(
        `endpoint ${name}: cannot roll back ${deploymentId}, because the config it replaced (${current.previousConfig}) is gone or was not made by Ferry; update the endpoint back by hand (aws sagemaker update-endpoint) or delete it`,
      );
    }
    if (!previous) {
      await this.deleteEndpointOnly(name);
      return { action: 'removed', endpoint: name };
    }
    const size = endpoint.ProductionVariants?.[0]?.CurrentInstanceCount ?? 1;
    await ensureEndpointConfig(sagemaker, {
      name: rollbackName,
      modelName: previous.modelName,
      instanceType: this.settingsFor(`rolling back endpoint ${name}`).endpointInstanceType,
      instanceCount: Math.max(1, size),
      tags: versionTags(`${deploymentId}-rollback`, previous.version.model),
    });
    await this.moveEndpoint(name, endpoint, rollbackName, undefined);
    return { action: 'restored', endpoint: name, restored: previous.version.model };
  }

  /** Removes the endpoint, its scaling, and the configs and models of its deployments. */
  async delete(name: string): Promise<boolean> {
    const sagemaker = this.clients.sagemaker;
    const endpoint = await findEndpoint(sagemaker, name);
    if (!endpoint) return false;
    const tags = await listTags(sagemaker, endpoint.EndpointArn ?? '');
    const chain = await this.configChain([endpoint.EndpointConfigName, tags.get(TAG.latestConfig)]);
    const isDeleted = await this.deleteEndpointOnly(name);
    // Configs and models are metadata only (no instances), so leftovers cost
    // nothing; this is tidiness, and a config still in use is skipped.
    for (const config of chain) {
      this.configs.delete(config.configName);
      await this.deleteQuietly(() =>
        sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: config.configName })),
      );
      await this.deleteQuietly(() =>
        sagemaker.send(new DeleteModelCommand({ ModelName: config.modelName })),
      );
    }
    return isDeleted;
  }

  // --- steps -------------------------------------------------------------------

  /** The pipeline's settings, which making a model or an endpoint config needs (a bucket, a role, an instance type). */
  private settingsFor(what: string): SageMakerSettings {
    if (this.settings) return this.settings;
    throw new HostingError(
      `${what} needs the pipeline's sagemaker section (region, roleArn, bucket); deploy through a pipeline run`,
    );
  }

  private async ensureModel(
    request: DeployRequest,
    name: string,
    settings: SageMakerSettings,
  ): Promise<void> {
    const region = await resolveRegion(this.clients, settings);
    const sourceDir = await ensureSourceBundle(
      this.clients.s3,
      { bucket: settings.bucket, prefix: settings.prefix },
      request.model.algorithm,
    );
    await ensureModel(this.clients.sagemaker, {
      name,
      image: frameworkImage(request.model.algorithm, region, settings.images),
      modelDataUrl: request.model.modelDir,
      sourceDir,
      region,
      roleArn: settings.roleArn,
      tags: versionTags(request.deploymentId, request.model),
    });
  }

  private async createEndpoint(
    name: string,
    configName: string,
    policy: ScalingPolicy,
  ): Promise<void> {
    try {
      await this.clients.sagemaker.send(
        new CreateEndpointCommand({
          EndpointName: name,
          EndpointConfigName: configName,
          Tags: toTags({
            [TAG.managed]: 'true',
            [TAG.latestConfig]: configName,
            [TAG.policy]: policyTagValue(policy),
          }),
        }),
      );
    } catch (error) {
      // Another run's first deployment made it a moment ago: wait, then update.
      if (isAlreadyExists(error)) {
        throw new EndpointBusy(`endpoint ${name} was just created by another deployment`);
      }
      throw translateAwsError(error, 'CreateEndpoint', `endpoint ${name}`);
    }
  }

  /**
   * Blue/green: SageMaker starts the new fleet, shifts all traffic at once
   * when it is healthy, and keeps the old fleet for a while before ending
   * it. The tag comes after the update is accepted, so it never names a
   * deployment that SageMaker refused: a describe reads it to tell which
   * deployment a failed update was, and a retry to know it was asked for.
   */
  private async moveEndpoint(
    name: string,
    endpoint: DescribeEndpointOutput,
    configName: string,
    policy: ScalingPolicy | undefined,
  ): Promise<void> {
    await awsCall('UpdateEndpoint', `endpoint ${name}`, () =>
      this.clients.sagemaker.send(
        new UpdateEndpointCommand({
          EndpointName: name,
          EndpointConfigName: configName,
          // Keep the instance count auto scaling has set rather than resetting
          // it to the config's initial count.
          RetainAllVariantProperties: true,
          DeploymentConfig: {
            BlueGreenUpdatePolicy: {
              TrafficRoutingConfiguration: {
                Type: 'ALL_AT_ONCE',
                WaitIntervalInSeconds: 0,
              },
              TerminationWaitInSeconds: TERMINATION_WAIT_SECONDS,
            },
            // No AutoRollbackConfiguration: it names CloudWatch alarms, and
            // Ferry configures none. SageMaker still rolls back an update
            // whose new fleet fails its health checks; the load test's
            // rollback covers the rest.
          },
        }),
      ),
    );
    await this.tagEndpoint(endpoint, {
      [TAG.latestConfig]: configName,
      [TAG.policy]: policy && policyTagValue(policy),
    });
  }

  private async tagEndpoint(
    endpoint: DescribeEndpointOutput,
    entries: Record<string, string | undefined>,
  ): Promise<void> {
    await awsCall('AddTags', `endpoint ${endpoint.EndpointName}`, () =>
      this.clients.sagemaker.send(
        new AddTagsCommand({ ResourceArn: endpoint.EndpointArn, Tags: toTags(entries) }),
      ),
    );
  }

  /** Deregisters scaling first (SageMaker refuses to delete a registered variant's endpoint), then deletes. */
  private async deleteEndpointOnly(name: string): Promise<boolean> {
    await deregisterScaling(this.clients.autoscaling, name);
    try {
      await this.clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw translateAwsError(error, 'DeleteEndpoint', `endpoint ${name}`);
    }
  }

  /** The configs behind an endpoint, following previousConfig tags, at most a few deep. */
  private async configChain(starts: (string | undefined)[]): Promise<ConfigVersion[]> {
    const seen = new Map<string, ConfigVersion>();
    const queue = starts.filter((s): s is string => Boolean(s));
    while (queue.length > 0 && seen.size < 20) {
      const name = queue.shift() ?? '';
      if (seen.has(name)) continue;
      const config = await this.readConfig(name);
      if (!config) continue;
      seen.set(name, config);
      if (config.previousConfig) queue.push(config.previousConfig);
    }
    return [...seen.values()];
  }

  private async readConfig(name: string | undefined): Promise<ConfigVersion | undefined> {
    const cached = name === undefined ? undefined : this.configs.get(name);
    if (cached) return cached;
    const config = await readConfigVersion(this.clients.sagemaker, name);
    if (config) this.configs.set(config.configName, config);
    return config;
  }

  private async deleteQuietly(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch {
      // Gone already, or still used by another endpoint: either way, leave it.
    }
  }

  private async endpointOrFail(name: string): Promise<DescribeEndpointOutput> {
    const endpoint = await findEndpoint(this.clients.sagemaker, name);
    if (!endpoint) {
      throw new HostingError(
        `endpoint ${name} does not exist in SageMaker; deploy a model to it first (\`ferry endpoints list\` shows the ones that do)`,
      );
    }
    return endpoint;
  }

  private async describeOrFail(name: string): Promise<EndpointDescription> {
    const description = await this.describe(name);
    if (!description) {
      throw new Error(`endpoint ${name} disappeared from SageMaker while it was being deployed`);
    }
    return description;
  }
}

/**
 * Whether SageMaker has already accepted a move of the endpoint to this
 * config: it serves it, is rolling it out, or the tag written after an
 * accepted update names it (the update may have failed since).
 */
function isAskedFor(
  endpoint: DescribeEndpointOutput,
  tags: Map<string, string>,
  configName: string,
): boolean {
  return (
    endpoint.EndpointConfigName === configName ||
    endpoint.PendingDeploymentSummary?.EndpointConfigName === configName ||
    tags.get(TAG.latestConfig) === configName
  );
}
