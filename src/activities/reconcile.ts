import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { AccountParts, BackendResolver } from '../backends/backend-resolver';
import type { EndpointDescription } from '../backends/hosting';
import type { ModelVersion } from '../backends/registry';
import { FAILURE } from '../shared/failure-types';
import { planRepairs, type ReconcileFacts, type RunState } from '../reconcile/reconcile-plan';
import { describeRunState, isWorkflowOpen } from '../temporal/run-states';
import { releaseWorkflowIdOf } from '../workflows/release-definitions';
import {
  RECONCILER,
  type ReconcileActivityInput,
  type ReconcileResult,
  type Repair,
  type RepairOutcome,
} from '../workflows/reconcile-definitions';
import { rollBackAndRecord } from './rollback-endpoint';

/** Refusals no retry helps with: reported with the repair, and the rest still go ahead. */
const REFUSALS: ReadonlySet<string> = new Set([FAILURE.hosting, FAILURE.registry]);

/**
 * reconcile: reads every version of the backend's registry, every endpoint,
 * and the runs and release workflows behind them in Temporal (through the
 * worker's own client), plans the repairs (src/reconcile/reconcile-plan.ts)
 * and, unless it is a dry run, makes them. Idempotent: a retry reads the
 * facts again, and a repair already made is planned no more.
 */
export function createReconcile(backends: BackendResolver) {
  return async function reconcile(input: ReconcileActivityInput): Promise<ReconcileResult> {
    const parts = backends.ofAccount(input);
    const facts = await gatherFacts(parts, Context.current().client, input.taskQueue);
    const plan = planRepairs(facts);
    const checked = { versions: facts.versions.length, endpoints: facts.endpoints.length };
    const base = { isDryRun: input.isDryRun === true, leftAlone: plan.leftAlone, checked };
    if (input.isDryRun) return { ...base, repairs: plan.repairs.map((repair) => ({ repair })) };
    return { ...base, repairs: await applyRepairs(parts, plan.repairs) };
  };
}

async function gatherFacts(
  { registry, hosting }: AccountParts,
  client: Client,
  taskQueue: string,
): Promise<ReconcileFacts> {
  const endpoints = await hosting.list();
  // An endpoint's group counts too: the registry may have lost track of it.
  const groups = new Set([...(await registry.listGroups()), ...endpoints.flatMap(servedGroups)]);
  const versions: ModelVersion[] = [];
  for (const group of groups) {
    versions.push(...(await registry.listVersions(group)));
    Context.current().heartbeat();
  }
  const runs = new Map<string, RunState>();
  for (const runId of runsToAsk(versions, endpoints)) {
    runs.set(runId, await describeRunState(client, runId));
    Context.current().heartbeat();
  }
  const heldEndpoints = new Set<string>();
  for (const endpoint of endpoints) {
    if (await isWorkflowOpen(client, releaseWorkflowIdOf(taskQueue, endpoint.name)))
      heldEndpoints.add(endpoint.name);
  }
  return { versions, endpoints, runs, heldEndpoints };
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

/**
 * The repairs in order, each version's rollbacks before its rejection. A
 * refused rollback (HostingError) is reported, and its version is then not
 * rejected, so the next reconcile finds the disagreement again; any other
 * error fails the activity, whose retry plans again from fresh facts.
 */
async function applyRepairs(parts: AccountParts, repairs: Repair[]): Promise<RepairOutcome[]> {
  const outcomes: RepairOutcome[] = [];
  const refusedVersions = new Set<string>();
  for (const repair of repairs) {
    const key = `${repair.model.group}/${repair.model.version}`;
    if (repair.action === 'reject' && refusedVersions.has(key)) {
      outcomes.push({ repair, error: 'not rejected, since its endpoint was not rolled back' });
      continue;
    }
    try {
      outcomes.push({ repair, done: await applyRepair(parts, repair) });
    } catch (error) {
      if (!(error instanceof Error) || !REFUSALS.has(error.name)) throw error;
      refusedVersions.add(key);
      outcomes.push({ repair, error: error.message });
    }
    Context.current().heartbeat();
  }
  return outcomes;
}

async function applyRepair(parts: AccountParts, repair: Repair): Promise<string> {
  if (repair.action === 'roll-back') {
    const result = await rollBackAndRecord(parts, {
      ...repair,
      reason: `${RECONCILER}: ${repair.reason}`,
    });
    if (result.action === 'removed') return 'removed the endpoint';
    if (result.action === 'restored' && result.restored)
      return `restored ${result.restored.group} v${result.restored.version}`;
    return 'already done';
  }
  // Read again just before: a reconcile that overlapped this one may have set it already.
  const now = await parts.registry.getVersion(repair.model.group, repair.model.version);
  if (now?.status === 'Rejected') return 'already Rejected';
  await parts.registry.setStatus({
    ...repair.model,
    status: 'Rejected',
    by: RECONCILER,
    reason: repair.reason,
  });
  return 'set Rejected';
}
