import { z } from 'zod';
import { durationSchema } from '../config/pipeline-schema';

/**
 * A model group's approval policy (DESIGN.md §4a): who may approve its
 * versions, how many must, whether the person who started a run may be one
 * of them, and the longest a run may wait. It lives with the group in the
 * registry, set by an admin (`ferry policy set`, PUT /policies/{group});
 * the pipeline files of the runs it governs may tighten it, never loosen it.
 */
export const personNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, {
  message: 'is not a person name (letters, digits, . _ @ -, starting with a letter or digit)',
});

export const approvalPolicySchema = z
  .strictObject({
    owners: z
      .array(personNameSchema)
      .default([])
      .describe(
        'people who may start runs in the group (registering its versions and deploying to its endpoints) besides everyone under approvers and groups',
      ),
    approvers: z.array(personNameSchema).default([]).describe('people who may approve or reject'),
    groups: z
      .record(personNameSchema, z.array(personNameSchema).min(1))
      .default({})
      .describe('named groups of people; every member may approve or reject'),
    approvals: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(1)
      .describe('how many distinct people must approve (the quorum)'),
    allowStarterToApprove: z
      .boolean()
      .default(false)
      .describe("whether the run's authenticated starter may be one of them"),
    maxTimeout: durationSchema.default('7d').describe('the longest a run may wait for a decision'),
  })
  .refine((policy) => policy.approvers.length + Object.keys(policy.groups).length > 0, {
    message: 'names nobody: list people under approvers, or named groups under groups',
    path: ['approvers'],
  })
  .meta({ id: 'ApprovalPolicy' });
export type ApprovalPolicy = z.output<typeof approvalPolicySchema>;

/** One revision of a group's policy, as the registry keeps it (with every earlier one). */
export const policyRecordSchema = z
  .object({
    group: z.string(),
    revision: z.number().int().min(1),
    policy: approvalPolicySchema,
    setBy: z.string(),
    setAt: z.string(),
    /** sha256 of the policy's canonical JSON: what a registered version's record points to. */
    sha256: z.string(),
  })
  .meta({ id: 'PolicyRecord' });
export type PolicyRecord = z.output<typeof policyRecordSchema>;
