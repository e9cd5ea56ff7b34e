import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import type { ScalingPolicy } from '../hosting';
import { awsCall, translateAwsError } from './aws-errors';

/** The endpoint's one variant: every deployment of this backend serves from it. */
export const VARIANT = 'AllTraffic';

const NAMESPACE = 'sagemaker';
const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
/** One policy per endpoint, under a fixed name, so putting it again replaces it. */
const POLICY_NAME = 'ferry-invocations-per-instance';

/** Application Auto Scaling's name for an endpoint's variant. */
export function scalingResourceId(endpoint: string): string {
  return `endpoint/${endpoint}/variant/${VARIANT}`;
}

/**
 * The lowest instance count SageMaker allows: a real-time endpoint's variant
 * cannot scale to zero (only serverless endpoints and inference components
 * can), so a policy's `minReplicas: 0` becomes 1 here.
 */
export function minInstances(policy: ScalingPolicy): number {
  return Math.max(1, policy.minReplicas);
}

/**
 * SageMakerVariantInvocationsPerInstance counts invocations per instance per
 * minute, while the policy's target is per its own metric window.
 */
function targetInvocationsPerMinute(policy: ScalingPolicy): number {
  return (policy.targetInvocationsPerReplica * 60) / policy.metricWindowSeconds;
}

/**
 * Registers the variant as a scalable target and puts the target tracking
 * policy. Both calls have put semantics (a second call updates the first),
 * so a retried activity leaves one target and one policy.
 */
export async function putScalingPolicy(
  autoscaling: ApplicationAutoScalingClient,
  endpoint: string,
  policy: ScalingPolicy,
): Promise<void> {
  const ResourceId = scalingResourceId(endpoint);
  const MinCapacity = minInstances(policy);
  await awsCall('RegisterScalableTarget', `endpoint ${endpoint}`, () =>
    autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: NAMESPACE,
        ResourceId,
        ScalableDimension: DIMENSION,
        MinCapacity,
        MaxCapacity: Math.max(MinCapacity, policy.maxReplicas),
      }),
    ),
  );
  await awsCall('PutScalingPolicy', `endpoint ${endpoint}`, () =>
    autoscaling.send(
      new PutScalingPolicyCommand({
        PolicyName: POLICY_NAME,
        ServiceNamespace: NAMESPACE,
        ResourceId,
        ScalableDimension: DIMENSION,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: targetInvocationsPerMinute(policy),
          PredefinedMetricSpecification: {
            PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance',
          },
          ScaleOutCooldown: policy.scaleOutCooldownSeconds,
          ScaleInCooldown: policy.scaleInCooldownSeconds,
        },
      }),
    ),
  );
}

/** Whether the endpoint's variant is registered with Application Auto Scaling. */
export async function isScalingRegistered(
  autoscaling: ApplicationAutoScalingClient,
  endpoint: string,
): Promise<boolean> {
  const answer = await awsCall('DescribeScalableTargets', `endpoint ${endpoint}`, () =>
    autoscaling.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: NAMESPACE,
        ResourceIds: [scalingResourceId(endpoint)],
        ScalableDimension: DIMENSION,
      }),
    ),
  );
  return (answer.ScalableTargets ?? []).length > 0;
}

/**
 * Removes the scalable target (and with it, on AWS, its policies). SageMaker
 * refuses to delete an endpoint whose variant is still registered, so this
 * comes first. Absent already is fine: AWS says ObjectNotFoundException,
 * moto a ValidationException "No scalable target found".
 */
export async function deregisterScaling(
  autoscaling: ApplicationAutoScalingClient,
  endpoint: string,
): Promise<boolean> {
  try {
    await autoscaling.send(
      new DeregisterScalableTargetCommand({
        ServiceNamespace: NAMESPACE,
        ResourceId: scalingResourceId(endpoint),
        ScalableDimension: DIMENSION,
      }),
    );
    return true;
  } catch (error) {
    const { name, message } = error as Error;
    if (name === 'ObjectNotFoundException' || /no scalable target found/i.test(message ?? '')) {
      return false;
    }
    throw translateAwsError(error, 'DeregisterScalableTarget', `endpoint ${endpoint}`);
  }
}
