import { z } from 'zod';

/**
 * Every decision attempt that reached a run, accepted or refused, as the
 * workflow records it: who (the verified subject, the issuer that vouched
 * for them and the token's id; never the credential), what, and why it was
 * refused. Pure schema: the workflow sandbox imports it.
 */
export const decisionTrailEntrySchema = z
  .object({
    at: z.string(),
    via: z.enum(['update', 'signal', 'timeout']),
    action: z.enum(['approve', 'reject', 'expire']),
    accepted: z.boolean(),
    /** The verified person; absent when the credential did not verify. */
    subject: z.string().optional(),
    issuer: z.string().optional(),
    tokenId: z.string().optional(),
    /** Why the subject may decide: "approver", or "group ml-leads". */
    eligibleAs: z.string().optional(),
    message: z.string(),
    reason: z.string().optional().describe('why a decision was refused'),
  })
  .meta({ id: 'DecisionTrailEntry' });
export type DecisionTrailEntry = z.infer<typeof decisionTrailEntrySchema>;

/**
 * An entry as the registry keeps it: numbered, and linked to the one
 * before by its sha256, the first to the policy in force, so editing,
 * removing or reordering a stored entry breaks the chain.
 */
export const chainedTrailEntrySchema = decisionTrailEntrySchema
  .extend({
    seq: z.number().int().min(0),
    prevSha256: z.string(),
    sha256: z.string(),
  })
  .meta({ id: 'ChainedTrailEntry' });
export type ChainedTrailEntry = z.infer<typeof chainedTrailEntrySchema>;
