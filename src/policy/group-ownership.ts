import type { PolicyRecord } from './approval-policy';

/**
 * Who a model group belongs to, and so who may start runs in it, register
 * its versions and deploy to the endpoints that serve it (DESIGN.md §4a).
 * A group with an approval policy belongs to everyone the policy names
 * (owners, approvers, members of its named groups): an admin wrote that
 * list, outside any run. A group with no policy belongs to the person who
 * started the run that registered its first version, as a repository
 * belongs to whoever created it, until an admin sets a policy; a group with
 * neither is anyone's to claim. Pure: the activities and the API apply it.
 */
export type GroupOwnership =
  | { kind: 'policy'; group: string; revision: number; people: string[] }
  | { kind: 'first-version'; group: string; owner: string; version: number }
  | { kind: 'unclaimed'; group: string };

/** The group's first registered version, as far as ownership cares: who registered it. */
export interface FirstVersion {
  version: number;
  registeredBy: string;
}

/** At most this many names in a refusal; a policy may list many more. */
const NAMES_SHOWN = 8;

export function ownershipOf(
  group: string,
  policy: PolicyRecord | undefined,
  firstVersion: FirstVersion | undefined,
): GroupOwnership {
  if (policy) {
    const { owners, approvers, groups } = policy.policy;
    const people = new Set([...owners, ...approvers, ...Object.values(groups).flat()]);
    return { kind: 'policy', group, revision: policy.revision, people: [...people].sort() };
  }
  if (firstVersion) {
    return {
      kind: 'first-version',
      group,
      owner: firstVersion.registeredBy,
      version: firstVersion.version,
    };
  }
  return { kind: 'unclaimed', group };
}

export function mayStartRuns(ownership: GroupOwnership, person: string): boolean {
  switch (ownership.kind) {
    case 'policy':
      return ownership.people.includes(person);
    case 'first-version':
      return ownership.owner === person;
    case 'unclaimed':
      return true;
  }
}

/** Who the group belongs to, in words: "alice, bob (named by its approval policy, revision 2)". */
export function describeOwners(ownership: GroupOwnership): string {
  switch (ownership.kind) {
    case 'policy':
      return `${listed(ownership.people)} (named by its approval policy, revision ${ownership.revision})`;
    case 'first-version':
      return `${ownership.owner} (who started the run that registered its version ${ownership.version}; it has no approval policy)`;
    case 'unclaimed':
      return 'nobody yet';
  }
}

/** Why `person` may not start a run in the group, or undefined when they may. */
export function startRefusal(ownership: GroupOwnership, person: string): string | undefined {
  if (mayStartRuns(ownership, person)) return undefined;
  const fix =
    ownership.kind === 'policy'
      ? `ask an admin to add ${person} under owners in its policy (ferry policy set ${ownership.group} <file>), or use a model group of your own`
      : `use a model group of your own, or ask an admin to set a policy for ${ownership.group} that names ${person} (ferry policy set ${ownership.group} <file>)`;
  return `model group ${ownership.group} belongs to ${describeOwners(ownership)}; ${person} may not start runs in it, register versions in it or deploy its endpoints: ${fix}`;
}

/**
 * Why a run of `group` may not deploy to an endpoint that serves
 * `servedGroup`, or undefined when it may: an endpoint serves one model
 * group, so one team's run cannot replace another team's live model.
 */
export function endpointRefusal(
  endpoint: string,
  group: string,
  served: GroupOwnership | undefined,
): string | undefined {
  if (!served || served.group === group) return undefined;
  return `endpoint ${endpoint} serves model group ${served.group}, which belongs to ${describeOwners(served)}; a run of ${group} cannot deploy to it: set endpoint.name to an endpoint of your own (by default it is the model group's name), or ask its owners to delete it (ferry endpoints delete ${endpoint})`;
}

function listed(people: string[]): string {
  if (people.length <= NAMES_SHOWN) return people.join(', ');
  return `${people.slice(0, NAMES_SHOWN).join(', ')} and ${people.length - NAMES_SHOWN} more`;
}
