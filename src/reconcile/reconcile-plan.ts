import type { DeployedVersion, EndpointDescription } from '../backends/hosting';
import type { ModelVersion } from '../backends/registry';
import { deploymentIdOf, type VersionRef } from '../workflows/release-definitions';
import type { LeftAlone, Repair } from '../workflows/reconcile-definitions';

/**
 * What `ferry reconcile` repairs, decided from facts alone (no I/O, so every
 * case is a unit test). A run's workflow id is its Ferry run id, recorded as
 * the lineage of the version it registered, and its deployment id is
 * deploymentIdOf(runId); that is how a version, its run and an endpoint are
 * matched.
 *
 * Disagreements and their repairs:
 * (a) A version PendingManualApproval or Approved whose run has closed
 *     without completing with outcome 'deployed' (it was terminated, timed
 *     out, failed, was cancelled, or completed with another outcome): nobody
 *     is left to decide on it or compensate for it. Every endpoint that still
 *     serves it under that run's deployment id (current or pending) is
 *     rolled back, then the version is set Rejected, naming the run and how
 *     it ended. The rollbacks come first: were they refused, the version
 *     stays as it was and the next reconcile finds it again.
 * (b) An endpoint whose current deployment serves a Rejected version: it is
 *     rolled back (to what it served before, or removed if nothing).
 * Left alone: anything whose run is still open (it may yet decide or
 * compensate itself); any endpoint whose release workflow is open (it is
 * being written to); a version whose run Temporal cannot find (retention
 * expired, another namespace), reported as such, since nothing says how it
 * ended. Approved versions of runs that completed 'deployed' are the normal
 * state (the champion and its predecessors) and are never touched.
 */

/** How a version's run stands in Temporal. */
export type RunState =
  | { state: 'open' }
  | { state: 'not-found' }
  /** `ending` is the workflow's close status, lower-case ('terminated'); `outcome` a completed run's. */
  | { state: 'closed'; ending: string; outcome?: string };

export interface ReconcileFacts {
  versions: readonly Pick<ModelVersion, 'group' | 'version' | 'status' | 'lineage'>[];
  endpoints: readonly Pick<EndpointDescription, 'name' | 'current' | 'pending'>[];
  /** The state of each version's run, by run id; a run missing here counts as not found. */
  runs: ReadonlyMap<string, RunState>;
  /** Endpoints whose release workflow is open. */
  heldEndpoints: ReadonlySet<string>;
}

export interface ReconcilePlan {
  repairs: Repair[];
  leftAlone: LeftAlone[];
}

export function planRepairs(facts: ReconcileFacts): ReconcilePlan {
  const plan: ReconcilePlan = { repairs: [], leftAlone: [] };
  for (const version of facts.versions) planForVersion(facts, version, plan);
  for (const endpoint of facts.endpoints) planForEndpoint(facts, endpoint, plan);
  return plan;
}

type VersionFacts = ReconcileFacts['versions'][number];

/** (a): a version left undecided or approved by a run that will never finish it. */
function planForVersion(facts: ReconcileFacts, version: VersionFacts, plan: ReconcilePlan): void {
  if (version.status === 'Rejected') return;
  const { runId } = version.lineage;
  const run = facts.runs.get(runId) ?? { state: 'not-found' };
  const subject = versionName(version);
  if (run.state === 'open') return;
  if (run.state === 'not-found') {
    plan.leftAlone.push({
      subject,
      reason: `its run ${runId} is not in Temporal (retention expired, or another namespace), so how it ended is unknown; it stays ${version.status}`,
    });
    return;
  }
  if (run.outcome === 'deployed') return;
  const deploymentId = deploymentIdOf(runId);
  const serving = facts.endpoints.filter((endpoint) =>
    [endpoint.current, endpoint.pending].some((d) => isDeploymentOf(d, deploymentId, version)),
  );
  const held = serving.filter((endpoint) => facts.heldEndpoints.has(endpoint.name));
  if (held.length > 0) {
    plan.leftAlone.push({ subject, reason: heldReason(held.map((e) => e.name)) });
    return;
  }
  const ended = `run ${runId} ${endedWords(run)}`;
  for (const endpoint of serving) {
    plan.repairs.push({
      action: 'roll-back',
      endpoint: endpoint.name,
      deploymentId,
      model: ref(version),
      reason: `it still serves ${subject}, though ${ended}`,
    });
  }
  plan.repairs.push({
    action: 'reject',
    model: ref(version),
    wasStatus: version.status,
    reason: `${ended}, leaving it ${version.status}`,
  });
}

/** (b): an endpoint still serving a version that has been rejected. */
function planForEndpoint(
  facts: ReconcileFacts,
  endpoint: ReconcileFacts['endpoints'][number],
  plan: ReconcilePlan,
): void {
  const current = endpoint.current;
  if (!current) return;
  const served = facts.versions.find(
    (v) => v.group === current.model.group && v.version === current.model.version,
  );
  if (served?.status !== 'Rejected') return;
  // Its own run may be rolling it back right now.
  if (facts.runs.get(served.lineage.runId)?.state === 'open') return;
  const subject = versionName(served);
  if (facts.heldEndpoints.has(endpoint.name)) {
    plan.leftAlone.push({
      subject: `endpoint ${endpoint.name}`,
      reason: `serves ${subject}, which is Rejected, but ${heldReason([endpoint.name])}`,
    });
    return;
  }
  plan.repairs.push({
    action: 'roll-back',
    endpoint: endpoint.name,
    deploymentId: current.deploymentId,
    model: ref(served),
    reason: `it serves ${subject}, which is Rejected`,
  });
}

function isDeploymentOf(
  deployed: DeployedVersion | undefined,
  deploymentId: string,
  version: VersionRef,
): boolean {
  return (
    deployed?.deploymentId === deploymentId &&
    deployed.model.group === version.group &&
    deployed.model.version === version.version
  );
}

/** "was terminated", "failed", "timed out", "completed with outcome rolled-back". */
function endedWords(run: Extract<RunState, { state: 'closed' }>): string {
  if (run.ending === 'completed') return `completed with outcome ${run.outcome ?? 'unknown'}`;
  if (run.ending === 'terminated' || run.ending === 'cancelled') return `was ${run.ending}`;
  if (run.ending === 'timed_out') return 'timed out';
  return run.ending.replaceAll('_', ' ');
}

function heldReason(endpoints: string[]): string {
  const names = endpoints.join(', ');
  return `the release workflow of endpoint ${names} is open; the next reconcile looks again`;
}

function versionName(version: VersionRef): string {
  return `${version.group} v${version.version}`;
}

function ref(version: VersionRef): VersionRef {
  return { group: version.group, version: version.version };
}
