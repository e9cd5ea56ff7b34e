import type { Tag } from '@aws-sdk/client-sagemaker';
import type { EndpointModel, ScalingPolicy } from '../hosting';

/**
 * SageMaker keeps no notion of "deployment" or "registry version", so the
 * hosting backend records them in tags and reads them back: tags are the
 * backend's only state, which lets any worker (or a retried activity)
 * describe and roll back what another one deployed.
 */
export const TAG = {
  /** On every model, config and endpoint this backend makes; `list()` shows only these. */
  managed: 'ferry:managed',
  deploymentId: 'ferry:deploymentId',
  group: 'ferry:group',
  version: 'ferry:version',
  algorithm: 'ferry:algorithm',
  /** On an endpoint config made by an update: the config it replaced, for a rollback. */
  previousConfig: 'ferry:previousConfig',
  /** On an endpoint: the config most recently asked for, so a failed update can be told apart. */
  latestConfig: 'ferry:latestConfig',
  /** On an endpoint: the scaling policy last asked for (Application Auto Scaling keeps only part of it). */
  policy: 'ferry:policy',
} as const;

/** Tags as a map. moto appends a re-added key instead of replacing it, so the last value wins. */
export function tagMap(tags: Tag[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) map.set(tag.Key, tag.Value ?? '');
  }
  return map;
}

export function toTags(entries: Record<string, string | undefined>): Tag[] {
  return Object.entries(entries).flatMap(([Key, Value]) =>
    Value === undefined ? [] : [{ Key, Value }],
  );
}

/** The tags that say which deployment and registry version a model or config belongs to. */
export function versionTags(deploymentId: string, model: EndpointModel): Tag[] {
  return toTags({
    [TAG.managed]: 'true',
    [TAG.deploymentId]: deploymentId,
    [TAG.group]: model.group,
    [TAG.version]: String(model.version),
    [TAG.algorithm]: model.algorithm,
  });
}

/** What a config's tags say it deploys; undefined for a config this backend did not make. */
export function versionFromTags(
  tags: Map<string, string>,
): { deploymentId: string; group: string; version: number; algorithm: string } | undefined {
  const deploymentId = tags.get(TAG.deploymentId);
  const group = tags.get(TAG.group);
  const version = Number(tags.get(TAG.version));
  const algorithm = tags.get(TAG.algorithm);
  if (!deploymentId || !group || !algorithm || !Number.isInteger(version)) return undefined;
  return { deploymentId, group, version, algorithm };
}

// Tag values allow letters, digits, spaces and `_.:/=+-@` only, so the
// policy is written as `key=value` words rather than JSON.
const POLICY_KEYS: Record<keyof ScalingPolicy, string> = {
  minReplicas: 'min',
  maxReplicas: 'max',
  targetInvocationsPerReplica: 'target',
  metricWindowSeconds: 'window',
  scaleOutCooldownSeconds: 'out',
  scaleInCooldownSeconds: 'in',
  coldStartTimeoutSeconds: 'cold',
};

export function policyTagValue(policy: ScalingPolicy): string {
  return (Object.keys(POLICY_KEYS) as (keyof ScalingPolicy)[])
    .map((key) => `${POLICY_KEYS[key]}=${policy[key]}`)
    .join(' ');
}

/** The policy a tag records; undefined if any part is missing or not a number. */
export function policyFromTag(value: string | undefined): ScalingPolicy | undefined {
  if (!value) return undefined;
  const words = new Map(
    value.split(' ').map((word) => word.split('=') as [string, string | undefined]),
  );
  const policy: Partial<ScalingPolicy> = {};
  for (const [key, short] of Object.entries(POLICY_KEYS) as [keyof ScalingPolicy, string][]) {
    const number = Number(words.get(short));
    if (words.get(short) === undefined || !Number.isFinite(number)) return undefined;
    policy[key] = number;
  }
  return policy as ScalingPolicy;
}
