import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { AccountParts, BackendResolver } from '../backends/backend-resolver';
import type { BackendChoice } from '../backends/backend-target';
import type { EndpointDescription } from '../backends/hosting';
import { RegistryError, type ModelVersion } from '../backends/registry';
import { planRepairs, type ReconcileFacts, type RunState } from '../reconcile/reconcile-plan';
import { describeRunState, isWorkflowOpen } from '../temporal/run-states';
import { releaseWorkflowIdIn } from '../workflows/release-definitions';
import type {
  LeftAlone,
  ReconcileInput,
  ReconcileResult,
} from '../workflows/reconcile-definitions';
import { applyRepairs } from './reconcile-repairs';

/**
 * reconcile: reads every version of the backend's registry, every endpoint,
 * and the runs and release workflows behind them in Temporal (through the
 * worker's own client), plans the repairs (src/reconcile/reconcile-plan.ts)
 * and, unless it is a dry run, makes them. Idempotent: a retry reads the
 * facts again, and a repair already made is planned no more.
 */
export function createReconcile(backends: BackendResolver) {
  return async function reconcile(input: ReconcileInput): Promise<ReconcileResult> {
    const parts = backends.ofAccount(input);
    const facts = await gatherFacts(parts, Context.current().client, input);
    const plan = planRepairs(facts);
    plan.leftAlone.push(...facts.unreadable);
    const checked = { versions: facts.versions.length, endpoints: facts.endpoints.length };
    const base = { isDryRun: input.isDryRun === true, leftAlone: plan.leftAlone, checked };
    if (input.isDryRun) return { ...base, repairs: plan.repairs.map((repair) => ({ repair })) };
    const heartbeat = () => Context.current().heartbeat();
    return { ...base, repairs: await applyRepairs(parts, plan.repairs, heartbeat) };
  };
}

async function gatherFacts(
  { registry, hosting }: AccountParts,
  client: Client,
  choice: BackendChoice,
): Promise<ReconcileFacts & { unreadable: LeftAlone[] }> {
  const endpoints = await hosting.list();
  // An endpoint's group counts too: the registry may have lost track of it.
  const groups = new Set([...(await registry.listGroups()), ...endpoints.flatMap(servedGroups)]);
  const versions: ModelVersion[] = [];
  const unreadable: LeftAlone[] = [];
  for (const group of groups) {
    try {
      versions.push(...(await registry.listVersions(group)));
    } catch (error) {
      // One group the registry refuses to read (a record changed outside
      // Ferry) is reported, and the others are still reconciled.
      if (!(error instanceof RegistryError)) throw error;
      unreadable.push({ subject: `model group ${group}`, reason: error.message });
    }
    Context.current().heartbeat();
  }
  const runs = new Map<string, RunState>();
  for (const runId of runsToAsk(versions, endpoints)) {
    runs.set(runId, await describeRunState(client, runId));
    Context.current().heartbeat();
  }
  const heldEndpoints = new Set<string>();
  for (const endpoint of endpoints) {
    if (await isWorkflowOpen(client, releaseWorkflowIdIn(choice, endpoint.name)))
      heldEndpoints.add(endpoint.name);
  }
  return { versions, endpoints, runs, heldEndpoints, unreadable };
}

function servedGroups(endpoint: EndpointDescription): string[] {
  return [endpoint.current, endpoint.pending].flatMap((d) => (d ? [d.model.group] : []));
}

/** The runs the plan needs: those of undecided or approved versions, and of rejected ones still served. */
function runsToAsk(versions: ModelVersion[], endpoints: EndpointDescription[]): Set<string> {
  const served = new Set(
    endpoints.map((e) => e.current && `${e.current.model.group}/${e.current.model.version}`),
  );
  return new Set(
    versions
      .filter((v) => v.status !== 'Rejected' || served.has(`${v.group}/${v.version}`))
      .map((v) => v.lineage.runId),
  );
}
