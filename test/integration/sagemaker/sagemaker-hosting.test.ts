import { randomUUID } from 'node:crypto';
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
} from '@aws-sdk/client-sagemaker';
import { ApplicationFailure } from '@temporalio/common';
import {
  EndpointBusy,
  type DeployRequest,
  type ScalingPolicy,
} from '../../../src/backends/hosting';
import { createAwsClients } from '../../../src/backends/sagemaker/aws-clients';
import { toScalingActivities } from '../../../src/backends/sagemaker/scaling-activities';
import { sagemakerName } from '../../../src/backends/sagemaker/resource-names';
import { SageMakerHosting } from '../../../src/backends/sagemaker/sagemaker-hosting';
import type { SageMakerSettings } from '../../../src/backends/sagemaker-settings';
import {
  emulateUpdateEndpoint,
  overrideDescribeEndpoint,
  throttleFirst,
} from '../../../test/fixtures/sagemaker-middleware';

// Against the moto server global setup started: its endpoints are InService
// at once, and it lacks UpdateEndpoint and DescribeScalingActivities, which
// the tests below either emulate (test/fixtures/sagemaker-middleware.ts) or
// expect to be reported as unsupported.

const POLICY: ScalingPolicy = {
  minReplicas: 2,
  maxReplicas: 4,
  targetInvocationsPerReplica: 50,
  metricWindowSeconds: 30,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
  coldStartTimeoutSeconds: 60,
};

describe('SageMaker hosting, on moto', () => {
  const clients = createAwsClients();
  const bucket = `ferry-hosting-${randomUUID().slice(0, 8)}`;
  const settings: SageMakerSettings = {
    roleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
    bucket,
    prefix: 'ferry',
    trainingInstanceType: 'ml.m5.large',
    endpointInstanceType: 'ml.m5.large',
    images: {},
  };
  const hosting = new SageMakerHosting(clients, settings);

  beforeAll(async () => {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => {
    clients.sagemaker.destroy();
    clients.s3.destroy();
    clients.autoscaling.destroy();
    clients.runtime.destroy();
  });

  /** A fresh endpoint name per test: every test file shares the one moto server. */
  function newEndpoint(): string {
    return `ep-${randomUUID().slice(0, 8)}`;
  }

  function request(endpoint: string, run: string, version = 1): DeployRequest {
    return {
      endpoint,
      deploymentId: `${endpoint}-${run}-deploy`,
      model: {
        group: 'churn',
        version,
        algorithm: 'xgboost',
        modelDir: `s3://${bucket}/ferry/runs/${run}/model/model.tar.gz`,
      },
      policy: POLICY,
    };
  }

  /**
   * How many models, configs and endpoints have `fragment` in their name.
   * moto 5.2's ListModels ignores NameContains, so names are matched here.
   */
  async function countNamed(fragment: string) {
    const sm = clients.sagemaker;
    const [models, configs, endpoints] = await Promise.all([
      sm.send(new ListModelsCommand({ NameContains: fragment, MaxResults: 100 })),
      sm.send(new ListEndpointConfigsCommand({ NameContains: fragment, MaxResults: 100 })),
      sm.send(new ListEndpointsCommand({ NameContains: fragment, MaxResults: 100 })),
    ]);
    const matching = (names: (string | undefined)[]) =>
      names.filter((name) => name?.includes(fragment)).length;
    return {
      models: matching((models.Models ?? []).map((m) => m.ModelName)),
      configs: matching((configs.EndpointConfigs ?? []).map((c) => c.EndpointConfigName)),
      endpoints: matching((endpoints.Endpoints ?? []).map((e) => e.EndpointName)),
    };
  }

  it('creates an endpoint serving the model through the framework container in script mode', async () => {
    const endpoint = newEndpoint();
    const deploy = request(endpoint, 'r1');
    const description = await hosting.deploy(deploy);

    expect(description.status).toBe('InService');
    expect(description.current).toMatchObject({
      deploymentId: deploy.deploymentId,
      model: deploy.model,
    });
    expect(description.previous).toBeUndefined();
    expect(description.recentDeployments).toEqual([
      expect.objectContaining({ deploymentId: deploy.deploymentId, state: 'live' }),
    ]);
    expect(description.url).toBe(`${process.env.AWS_ENDPOINT_URL}/endpoints/${endpoint}`);
    // Instances shown as replicas: one per instance, no port or pid of ours.
    expect(description.replicas).toHaveLength(POLICY.minReplicas);
    expect(description.replicas[0]).toMatchObject({
      deploymentId: deploy.deploymentId,
      port: 0,
      pid: 0,
      state: 'ready',
    });
    expect(description.desiredReplicas).toBe(POLICY.minReplicas);
    expect(description.policy).toEqual(POLICY);
    expect(description.autoscaling).toBe(false);

    const name = sagemakerName(deploy.deploymentId);
    const model = await clients.sagemaker.send(new DescribeModelCommand({ ModelName: name }));
    expect(model.ExecutionRoleArn).toBe(settings.roleArn);
    expect(model.PrimaryContainer?.Image).toBe(
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    );
    expect(model.PrimaryContainer?.ModelDataUrl).toBe(deploy.model.modelDir);
    const environment = model.PrimaryContainer?.Environment ?? {};
    expect(environment.SAGEMAKER_PROGRAM).toBe('inference.py');
    expect(environment.SAGEMAKER_REGION).toBe('us-east-1');
    expect(environment.SAGEMAKER_SUBMIT_DIRECTORY).toMatch(
      new RegExp(`^s3://${bucket}/ferry/code/xgboost-[0-9a-f]{16}/sourcedir\\.tar\\.gz$`),
    );
    const config = await clients.sagemaker.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: name }),
    );
    expect(config.ProductionVariants).toEqual([
      expect.objectContaining({
        VariantName: 'AllTraffic',
        ModelName: name,
        InstanceType: 'ml.m5.large',
        InitialInstanceCount: 2,
      }),
    ]);
  });

  it('gives an endpoint whose policy allows zero replicas one instance, the least SageMaker serves with', async () => {
    const endpoint = newEndpoint();
    const description = await hosting.deploy({
      ...request(endpoint, 'r1'),
      policy: { ...POLICY, minReplicas: 0 },
    });
    expect(description.replicas).toHaveLength(1);
  });

  it('makes one model, one config and one endpoint when the same deployment arrives twice', async () => {
    const endpoint = newEndpoint();
    const first = await hosting.deploy(request(endpoint, 'r1'));
    const second = await hosting.deploy(request(endpoint, 'r1'));
    expect(second.current).toEqual(first.current);
    expect(await countNamed(endpoint)).toEqual({ models: 1, configs: 1, endpoints: 1 });
  });

  it('describes a missing endpoint as undefined', async () => {
    expect(await hosting.describe(newEndpoint())).toBeUndefined();
  });

  it('lists the endpoints it made and not the others in the account', async () => {
    const ours = newEndpoint();
    await hosting.deploy(request(ours, 'r1'));
    const foreign = newEndpoint();
    const sm = clients.sagemaker;
    await sm.send(
      new CreateModelCommand({
        ModelName: foreign,
        ExecutionRoleArn: settings.roleArn,
        PrimaryContainer: { Image: 'someone/else:1' },
      }),
    );
    await sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: foreign,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: foreign,
            InstanceType: 'ml.m5.large',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await sm.send(
      new CreateEndpointCommand({ EndpointName: foreign, EndpointConfigName: foreign }),
    );

    const names = (await hosting.list()).map((d) => d.name);
    expect(names).toContain(ours);
    expect(names).not.toContain(foreign);
  });

  it('sets one scalable target and one target tracking policy however often it is asked', async () => {
    const endpoint = newEndpoint();
    await hosting.deploy(request(endpoint, 'r1'));
    await hosting.setScalingPolicy(endpoint, POLICY);
    const described = await hosting.setScalingPolicy(endpoint, POLICY);
    expect(described.autoscaling).toBe(true);
    expect(described.policy).toEqual(POLICY);

    const ResourceId = `endpoint/${endpoint}/variant/AllTraffic`;
    const targets = await clients.autoscaling.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'sagemaker',
        ResourceIds: [ResourceId],
      }),
    );
    expect(targets.ScalableTargets).toEqual([
      expect.objectContaining({
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 2,
        MaxCapacity: 4,
      }),
    ]);
    const policies = await clients.autoscaling.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker', ResourceId }),
    );
    expect(policies.ScalingPolicies).toHaveLength(1);
    expect(policies.ScalingPolicies?.[0]).toMatchObject({
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        // 50 per 30-second window is 100 per minute, the metric's unit.
        TargetValue: 100,
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance',
        },
        ScaleOutCooldown: 60,
        ScaleInCooldown: 300,
      },
    });
  });

  it('reports no scaling activity where the service does not implement DescribeScalingActivities', async () => {
    const endpoint = newEndpoint();
    await hosting.deploy(request(endpoint, 'r1'));
    await hosting.setScalingPolicy(endpoint, POLICY);
    expect(await hosting.scalingActivities(endpoint, new Date(0).toISOString())).toEqual([]);
  });

  it('removes a first deployment on rollback, with its scaling, and answers the same when retried', async () => {
    const endpoint = newEndpoint();
    const deploy = request(endpoint, 'r1');
    await hosting.deploy(deploy);
    await hosting.setScalingPolicy(endpoint, POLICY);

    expect(await hosting.rollback(endpoint, 'some-other-deploy')).toEqual({
      action: 'nothing-to-do',
      endpoint,
    });
    expect(await hosting.rollback(endpoint, deploy.deploymentId)).toEqual({
      action: 'removed',
      endpoint,
    });
    expect(await hosting.describe(endpoint)).toBeUndefined();
    const targets = await clients.autoscaling.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'sagemaker',
        ResourceIds: [`endpoint/${endpoint}/variant/AllTraffic`],
      }),
    );
    expect(targets.ScalableTargets).toEqual([]);
    expect(await hosting.rollback(endpoint, deploy.deploymentId)).toEqual({
      action: 'removed',
      endpoint,
    });
  });

  it('deletes the endpoint with its configs and models, and reports a second delete as nothing done', async () => {
    const endpoint = newEndpoint();
    await hosting.deploy(request(endpoint, 'r1'));
    await hosting.setScalingPolicy(endpoint, POLICY);
    expect(await hosting.delete(endpoint)).toBe(true);
    expect(await countNamed(endpoint)).toEqual({ models: 0, configs: 0, endpoints: 0 });
    expect(await hosting.delete(endpoint)).toBe(false);
  });

  it('backs off and retries a throttled CreateEndpoint, making one endpoint', async () => {
    const endpoint = newEndpoint();
    const throttled = throttleFirst(clients.sagemaker, 'CreateEndpoint');
    try {
      const description = await hosting.deploy(request(endpoint, 'r1'));
      expect(description.status).toBe('InService');
    } finally {
      throttled.remove();
    }
    expect(throttled.answered).toBe(1);
    expect(await countNamed(endpoint)).toEqual({ models: 1, configs: 1, endpoints: 1 });
  });

  it('refuses a deployment while the endpoint is busy with another one, so the activity waits', async () => {
    const endpoint = newEndpoint();
    await hosting.deploy(request(endpoint, 'r1'));
    const updating = overrideDescribeEndpoint(clients.sagemaker, { EndpointStatus: 'Updating' });
    try {
      await expect(hosting.deploy(request(endpoint, 'r2', 2))).rejects.toBeInstanceOf(EndpointBusy);
      // The same deployment again is not "another one".
      await expect(hosting.deploy(request(endpoint, 'r1'))).resolves.toMatchObject({
        status: 'Updating',
      });
    } finally {
      updating.remove();
    }
    expect(await countNamed(`${endpoint}-r2`)).toEqual({ models: 0, configs: 0, endpoints: 0 });
  });

  it('reports a second deployment as unsupported where the service lacks UpdateEndpoint', async () => {
    const endpoint = newEndpoint();
    await hosting.deploy(request(endpoint, 'r1'));
    const error = await hosting.deploy(request(endpoint, 'r2', 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).type).toBe('SageMakerOperationUnsupported');
    expect((error as ApplicationFailure).message).toContain('UpdateEndpoint');
    // Nothing records the refused deployment as asked for: a retry asks again.
    const after = await hosting.describe(endpoint);
    expect(after?.current?.deploymentId).toBe(request(endpoint, 'r1').deploymentId);
    expect(after?.recentDeployments.map((o) => o.deploymentId)).toEqual([
      request(endpoint, 'r1').deploymentId,
    ]);
    await expect(hosting.deploy(request(endpoint, 'r2', 2))).rejects.toMatchObject({
      type: 'SageMakerOperationUnsupported',
    });
  });

  it("reports a first deployment whose endpoint failed as failed, with SageMaker's reason", async () => {
    const endpoint = newEndpoint();
    const deploy = request(endpoint, 'r1');
    await hosting.deploy(deploy);
    const failed = overrideDescribeEndpoint(clients.sagemaker, {
      EndpointStatus: 'Failed',
      FailureReason: 'The primary container did not pass the ping health check',
    });
    try {
      const description = await hosting.describe(endpoint);
      expect(description?.status).toBe('Failed');
      expect(description?.current).toBeUndefined();
      expect(description?.recentDeployments).toEqual([
        expect.objectContaining({
          deploymentId: deploy.deploymentId,
          state: 'failed',
          reason: 'The primary container did not pass the ping health check',
        }),
      ]);
      expect(description?.lastFailure?.deploymentId).toBe(deploy.deploymentId);
    } finally {
      failed.remove();
    }
  });

  describe('with UpdateEndpoint emulated', () => {
    it('replaces a version blue/green and restores the previous one on rollback', async () => {
      const update = emulateUpdateEndpoint(clients.sagemaker);
      try {
        const endpoint = newEndpoint();
        const first = request(endpoint, 'r1', 1);
        const second = request(endpoint, 'r2', 2);
        await hosting.deploy(first);
        const replaced = await hosting.deploy(second);

        expect(update.requests).toHaveLength(1);
        expect(update.requests[0]).toMatchObject({
          EndpointName: endpoint,
          EndpointConfigName: sagemakerName(second.deploymentId),
          RetainAllVariantProperties: true,
          DeploymentConfig: {
            BlueGreenUpdatePolicy: {
              TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' },
            },
          },
        });
        const deploymentConfig = update.requests[0]?.DeploymentConfig;
        expect(deploymentConfig?.BlueGreenUpdatePolicy?.TerminationWaitInSeconds).toBeGreaterThan(
          0,
        );
        // No alarms are configured, so there is nothing to roll back on.
        expect(deploymentConfig?.AutoRollbackConfiguration).toBeUndefined();
        expect(replaced.current?.deploymentId).toBe(second.deploymentId);
        expect(replaced.previous).toMatchObject({
          deploymentId: first.deploymentId,
          model: first.model,
        });
        expect(replaced.recentDeployments.map((o) => [o.deploymentId, o.state])).toEqual([
          [first.deploymentId, 'live'],
          [second.deploymentId, 'live'],
        ]);
        // Arriving again, the second deployment changes nothing.
        await hosting.deploy(second);
        expect(update.requests).toHaveLength(1);

        const restored = await hosting.rollback(endpoint, second.deploymentId);
        expect(restored).toEqual({ action: 'restored', endpoint, restored: first.model });
        const after = await hosting.describe(endpoint);
        expect(after?.current).toMatchObject({
          deploymentId: `${second.deploymentId}-rollback`,
          model: first.model,
        });
        expect(after?.previous).toBeUndefined();
        // A retried rollback answers what the first one did, and updates nothing.
        expect(await hosting.rollback(endpoint, second.deploymentId)).toEqual(restored);
        expect(update.requests).toHaveLength(2);
        expect(await hosting.rollback(endpoint, first.deploymentId)).toEqual({
          action: 'nothing-to-do',
          endpoint,
        });
      } finally {
        update.remove();
      }
    });
  });
});

// DescribeScalingActivities as AWS answers it (moto does not implement it):
// the text names the new size; the old one comes from the activity before.
describe('scaling activities from Application Auto Scaling', () => {
  const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));
  const raw = [
    {
      StartTime: at(9),
      EndTime: at(10),
      StatusCode: 'Successful' as const,
      Description: 'Setting desired instance count to 1.',
      Cause: 'monitor alarm TargetTracking-AlarmLow in state ALARM triggered policy ferry',
    },
    {
      StartTime: at(5),
      StatusCode: 'Failed' as const,
      Description: 'Setting desired instance count to 9.',
      Cause: 'over the account limit',
    },
    {
      StartTime: at(1),
      EndTime: at(2),
      StatusCode: 'Successful' as const,
      Description: 'Setting desired instance count to 3.',
      Cause: 'monitor alarm TargetTracking-AlarmHigh in state ALARM triggered policy ferry',
    },
  ].map((a) => ({
    ActivityId: randomUUID(),
    ServiceNamespace: 'sagemaker' as const,
    ResourceId: 'endpoint/churn/variant/AllTraffic',
    ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' as const,
    ...a,
  }));

  it('orders successful size changes oldest first, each from the size before it', () => {
    expect(
      toScalingActivities('churn', raw).map((a) => [a.at, a.fromReplicas, a.toReplicas]),
    ).toEqual([
      [at(2).toISOString(), 3, 3],
      [at(10).toISOString(), 3, 1],
    ]);
  });

  it('keeps only the changes since the given time, still knowing the size before them', () => {
    const since = toScalingActivities('churn', raw, at(3).getTime());
    expect(since).toEqual([
      expect.objectContaining({ fromReplicas: 3, toReplicas: 1, endpoint: 'churn' }),
    ]);
    expect(since[0]?.cause).toContain('AlarmLow');
  });
});
