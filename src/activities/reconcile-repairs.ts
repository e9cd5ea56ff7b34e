import type { AccountParts } from '../backends/backend-resolver';
import { FAILURE } from '../shared/failure-types';
import { RECONCILER, type Repair, type RepairOutcome } from '../workflows/reconcile-definitions';
import { rollBackAndRecord } from './rollback-endpoint';

/** Refusals no retry helps with: reported with the repair, and the rest still go ahead. */
const REFUSALS: ReadonlySet<string> = new Set([FAILURE.hosting, FAILURE.registry]);

/**
 * The repairs in order, each version's rollbacks before its rejection. A
 * refused rollback (HostingError) is reported, and its version is then not
 * rejected, so the next reconcile finds the disagreement again; any other
 * error fails the activity, whose retry plans again from fresh facts.
 */
export async function applyRepairs(
  parts: AccountParts,
  repairs: Repair[],
  heartbeat: () => void = () => undefined,
): Promise<RepairOutcome[]> {
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
    heartbeat();
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
