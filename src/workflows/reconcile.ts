import { reconcileActivities } from './activity-options';
import type { ReconcileInput, ReconcileResult } from './reconcile-definitions';

/**
 * `ferry reconcile` and its schedule: one activity that finds where the
 * registry and the endpoints disagree and repairs it. A workflow, not a
 * plain client call, so the repairs run on a worker (which holds the
 * backends), are retried by Temporal, and one workflow id keeps two
 * reconciles of a deployment from overlapping.
 */
export async function reconcileWorkflow(input: ReconcileInput): Promise<ReconcileResult> {
  const { reconcile } = reconcileActivities();
  return reconcile(input);
}
