import { z } from 'zod';
import { backendChoiceSchema } from '../backends/backend-target';
import { versionRefSchema } from './release-definitions';

/**
 * The shapes of `ferry reconcile` (src/reconcile/reconcile-plan.ts says what
 * it repairs and why), shared by its workflow, its activity, the CLI and the
 * schedule, each a zod schema with its type inferred from it.
 */

/** Who records a reconcile's status changes in a version's history. */
export const RECONCILER = 'ferry reconcile';

/**
 * The id of the reconcile workflow, and of its schedule, for one Ferry
 * deployment (its task queue): Temporal runs one open workflow per id, so
 * two `ferry reconcile`s never repair at the same time.
 */
export function reconcileWorkflowIdOf(taskQueue: string): string {
  return `ferry-reconcile/${taskQueue}`;
}

export const reconcileInputSchema = backendChoiceSchema.extend({
  /** Plan the repairs and say them, but change nothing. */
  isDryRun: z.boolean().optional(),
});
export type ReconcileInput = z.infer<typeof reconcileInputSchema>;

/** One repair: an endpoint rolled back off a deployment, or a version set Rejected. */
export const repairSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('roll-back'),
    endpoint: z.string(),
    deploymentId: z.string(),
    model: versionRefSchema,
    reason: z.string(),
  }),
  z.object({
    action: z.literal('reject'),
    model: versionRefSchema,
    /** Its status before, PendingManualApproval or Approved. */
    wasStatus: z.string(),
    reason: z.string(),
  }),
]);
export type Repair = z.infer<typeof repairSchema>;

/** Something that may disagree but is not reconcile's to repair now, and why. */
export const leftAloneSchema = z.object({ subject: z.string(), reason: z.string() });
export type LeftAlone = z.infer<typeof leftAloneSchema>;

/** A repair and what came of it; a dry run's repairs have no outcome. */
export const repairOutcomeSchema = z.object({
  repair: repairSchema,
  /** 'restored <group> v<n>', 'removed the endpoint', 'already done', 'set Rejected'. */
  done: z.string().optional(),
  /** A repair the backend refused for good; its version is not rejected, so the next reconcile tries again. */
  error: z.string().optional(),
});
export type RepairOutcome = z.infer<typeof repairOutcomeSchema>;

export const reconcileResultSchema = z
  .object({
    isDryRun: z.boolean(),
    repairs: z.array(repairOutcomeSchema),
    leftAlone: z.array(leftAloneSchema),
    checked: z.object({ versions: z.number().int(), endpoints: z.number().int() }),
  })
  .meta({ id: 'ReconcileResult' });
export type ReconcileResult = z.infer<typeof reconcileResultSchema>;
