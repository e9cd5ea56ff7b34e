import type { ReconcileResult, RepairOutcome } from '../workflows/reconcile-definitions';
import { versionRef } from '../text/release-words';

/**
 * What `ferry reconcile` prints: one line per repair (what, on which version
 * or endpoint, and why), one per thing it left alone, or "nothing to
 * repair". Plain text; the CLI prints each line terminal-safe.
 */
export function formatReconcile(result: ReconcileResult): string[] {
  const lines = result.repairs.map((outcome) => repairLine(outcome, result.isDryRun));
  for (const left of result.leftAlone) lines.push(`left alone ${left.subject}: ${left.reason}`);
  if (result.repairs.length === 0) {
    const { versions, endpoints } = result.checked;
    lines.push(
      `nothing to repair (${count(versions, 'version')} and ${count(endpoints, 'endpoint')} checked)`,
    );
  }
  return lines;
}

function repairLine({ repair, done, error }: RepairOutcome, isDryRun: boolean): string {
  if (repair.action === 'roll-back') {
    const what = `endpoint ${repair.endpoint} off ${versionRef(repair.model)} (deployment ${repair.deploymentId})`;
    if (isDryRun) return `would roll back ${what}: ${repair.reason}`;
    if (error) return `could not roll back ${what}: ${error}`;
    return `rolled back ${what}, ${done ?? 'done'}: ${repair.reason}`;
  }
  const what = `${versionRef(repair.model)} (was ${repair.wasStatus})`;
  if (isDryRun) return `would reject ${what}: ${repair.reason}`;
  if (error) return `did not reject ${what}: ${error}`;
  const already = done && done !== 'set Rejected' ? `, ${done}` : '';
  return `rejected ${what}${already}: ${repair.reason}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
