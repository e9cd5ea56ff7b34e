import type { Hosting } from '../backends/hosting';
import type { Registry } from '../backends/registry';
import { endpointRefusal, ownershipOf, startRefusal, type GroupOwnership } from './group-ownership';

/** What a run asks the right to do: work in a model group, and (later) deploy to an endpoint. */
export interface RunRightsRequest {
  group: string;
  endpoint: string;
  person: string;
}

export type RunRights = { ok: true } | { ok: false; reason: string };

/**
 * Whether `person` may run in `group` and deploy to `endpoint`, read from
 * the registry (the group's policy, its first version) and the hosting
 * backend (what the endpoint serves now). Used by the workflow's prepare and
 * register steps, the deploy activity and the API before it starts a run.
 */
export async function checkRunRights(
  parts: { registry: Registry; hosting: Hosting },
  request: RunRightsRequest,
): Promise<RunRights> {
  const own = await groupOwnership(parts.registry, request.group);
  const refusedStart = startRefusal(own, request.person);
  if (refusedStart) return { ok: false, reason: refusedStart };
  const refusedEndpoint = await endpointRights(parts, request.endpoint, request.group);
  return refusedEndpoint ? { ok: false, reason: refusedEndpoint } : { ok: true };
}

/** Why a run of `group` may not deploy to `endpoint` as it stands, or undefined when it may. */
export async function endpointRights(
  parts: { registry: Registry; hosting: Hosting },
  endpoint: string,
  group: string,
): Promise<string | undefined> {
  const description = await parts.hosting.describe(endpoint);
  // A rollout in progress counts as much as the live version: both are that group's.
  const servedGroup = (description?.current ?? description?.pending)?.model.group;
  if (servedGroup === undefined || servedGroup === group) return undefined;
  return endpointRefusal(endpoint, group, await groupOwnership(parts.registry, servedGroup));
}

export async function groupOwnership(registry: Registry, group: string): Promise<GroupOwnership> {
  const [policy, first] = await Promise.all([
    registry.getPolicy(group),
    registry.getVersion(group, 1),
  ]);
  const registeredBy = first?.statusHistory[0]?.by;
  return ownershipOf(
    group,
    policy,
    first && registeredBy !== undefined ? { version: first.version, registeredBy } : undefined,
  );
}
