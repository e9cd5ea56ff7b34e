import type { ScalingPolicy } from '../../hosting';

/**
 * Target tracking as Application Auto Scaling does it for
 * SageMakerVariantInvocationsPerInstance: the replica count that would bring
 * invocations per replica back to the target, clamped to [min, max], moved
 * only when the cooldown since the last move allows it. Pure, so the
 * autoscaler's decisions are unit-tested without clocks or processes.
 */
export interface ScalingState {
  /** Replicas serving or starting for the current version. */
  replicas: number;
  /** When the endpoint last grew (a deployment counts), in ms. */
  lastScaleOutAtMs: number;
  /** When it last shrank, in ms (0: never). */
  lastScaleInAtMs: number;
}

export interface ScalingDecision {
  toReplicas: number;
  cause: string;
}

export function desiredReplicas(policy: ScalingPolicy, invocationsInWindow: number): number {
  const wanted = Math.ceil(invocationsInWindow / policy.targetInvocationsPerReplica);
  return Math.min(policy.maxReplicas, Math.max(policy.minReplicas, wanted));
}

export function decideScaling(
  policy: ScalingPolicy,
  state: ScalingState,
  invocationsInWindow: number,
  nowMs: number,
): ScalingDecision | undefined {
  const desired = desiredReplicas(policy, invocationsInWindow);
  const load = describeLoad(policy, state.replicas, invocationsInWindow);
  if (desired > state.replicas) {
    if (nowMs - state.lastScaleOutAtMs < policy.scaleOutCooldownSeconds * 1000) return undefined;
    return { toReplicas: desired, cause: `${load}, above target: scale out` };
  }
  if (desired < state.replicas) {
    // Scale-in waits out its cooldown after any move, so a fresh replica is
    // never removed before the window has seen it serve.
    const lastMoveMs = Math.max(state.lastScaleOutAtMs, state.lastScaleInAtMs);
    if (nowMs - lastMoveMs < policy.scaleInCooldownSeconds * 1000) return undefined;
    // Nothing to measure until the window has been open since the last move.
    if (nowMs - lastMoveMs < policy.metricWindowSeconds * 1000) return undefined;
    return { toReplicas: desired, cause: `${load}, below target: scale in` };
  }
  return undefined;
}

function describeLoad(policy: ScalingPolicy, replicas: number, invocations: number): string {
  const perReplica = replicas === 0 ? invocations : invocations / replicas;
  return (
    `${invocations} invocations in the last ${policy.metricWindowSeconds} s = ` +
    `${perReplica.toFixed(1)} per replica on ${replicas} (target ${policy.targetInvocationsPerReplica})`
  );
}

/**
 * Invocation counts over a sliding window, kept in 100 ms buckets so memory
 * stays flat at any request rate.
 */
export class InvocationWindow {
  private static readonly BUCKET_MS = 100;
  private readonly buckets = new Map<number, number>();

  record(nowMs: number): void {
    const bucket = Math.floor(nowMs / InvocationWindow.BUCKET_MS);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
  }

  count(nowMs: number, windowMs: number): number {
    // The bucket the window starts in counts whole: at most 100 ms of extra history.
    const oldest = Math.floor((nowMs - windowMs) / InvocationWindow.BUCKET_MS);
    let total = 0;
    for (const [bucket, count] of this.buckets) {
      if (bucket < oldest) this.buckets.delete(bucket);
      else total += count;
    }
    return total;
  }
}
