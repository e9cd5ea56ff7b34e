import { z } from 'zod';
import { formatDurationMs, parseDurationMs } from '../config/duration';
import type { PipelineConfig } from '../config/pipeline-schema';
import type { PolicyRecord } from './approval-policy';

/** With no timeout anywhere, a run waits a week for its decision. */
const DEFAULT_TIMEOUT_MS = 7 * 24 * 3_600_000;

/**
 * The rules one run's decision is taken under: its group's policy tightened
 * by its pipeline file, or (for a group with no policy) the file's own
 * approval section, which the trail, the registry and the report then name
 * as the source. Pure: the workflow applies it to verified subjects.
 */
export const policyInForceSchema = z
  .object({
    source: z.enum(['group-policy', 'run-file']),
    group: z.string(),
    /** The group policy's revision and digest, when it came from one. */
    revision: z.number().int().optional(),
    policySha256: z.string().optional(),
    approvers: z.array(z.string()),
    groups: z.record(z.string(), z.array(z.string())),
    approvals: z.number().int().min(1),
    allowStarterToApprove: z.boolean(),
    timeoutMs: z.number().int().positive(),
    /** What the pipeline file asked for that the policy does not allow, and what applies instead. */
    notes: z.array(z.string()),
  })
  .meta({ id: 'PolicyInForce' });
export type PolicyInForce = z.infer<typeof policyInForceSchema>;

type FileApproval = PipelineConfig['approval'];

/** The policy a run of `group` is governed by, from the group's current policy (if any) and the run's file. */
export function resolvePolicy(
  group: string,
  record: PolicyRecord | undefined,
  file: FileApproval,
): PolicyInForce {
  const fileTimeoutMs = file.timeout === undefined ? undefined : parseDurationMs(file.timeout);
  const fileApprovals = file.approvals ?? 1;
  if (!record) {
    return {
      source: 'run-file',
      group,
      approvers: file.approvers,
      groups: {},
      approvals: fileApprovals,
      allowStarterToApprove: file.allowStarterToApprove,
      timeoutMs: fileTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      notes: [`group ${group} has no approval policy; the run's own file sets who may approve`],
    };
  }
  const { policy } = record;
  const notes: string[] = [];
  const maxTimeoutMs = parseDurationMs(policy.maxTimeout) ?? DEFAULT_TIMEOUT_MS;
  if (file.approvers.length > 0) {
    notes.push(
      `approval.approvers in the run's file is ignored: group ${group}'s policy (revision ${record.revision}) says who may approve`,
    );
  }
  if (file.allowStarterToApprove && !policy.allowStarterToApprove) {
    notes.push(
      `approval.allowStarterToApprove: true in the run's file is ignored: group ${group}'s policy forbids the starter to approve`,
    );
  }
  if (fileTimeoutMs !== undefined && fileTimeoutMs > maxTimeoutMs) {
    notes.push(
      `approval.timeout ${file.timeout} in the run's file is longer than group ${group}'s policy allows; the run waits at most ${formatDurationMs(maxTimeoutMs)}`,
    );
  }
  if (fileApprovals < policy.approvals && file.approvals !== undefined) {
    notes.push(
      `approval.approvals ${fileApprovals} in the run's file is below group ${group}'s quorum; ${policy.approvals} approvals are needed`,
    );
  }
  return {
    source: 'group-policy',
    group,
    revision: record.revision,
    policySha256: record.sha256,
    approvers: policy.approvers,
    groups: policy.groups,
    approvals: Math.max(policy.approvals, fileApprovals),
    allowStarterToApprove: policy.allowStarterToApprove,
    timeoutMs: Math.min(maxTimeoutMs, fileTimeoutMs ?? maxTimeoutMs),
    notes,
  };
}

/** How a person may decide under the policy ("approver", "group ml-leads"), or undefined. */
export function eligibilityOf(policy: PolicyInForce, person: string): string | undefined {
  if (policy.approvers.includes(person)) return 'approver';
  const group = Object.entries(policy.groups).find(([, members]) => members.includes(person));
  return group ? `group ${group[0]}` : undefined;
}

/** Everyone who may decide, without the starter when the starter may not. */
export function eligiblePeople(policy: PolicyInForce, startedBy: string): string[] {
  const everyone = new Set([...policy.approvers, ...Object.values(policy.groups).flat()]);
  if (!policy.allowStarterToApprove) everyone.delete(startedBy);
  return [...everyone].sort();
}

/** Why nobody could ever approve a run under this policy, or undefined when a quorum is possible. */
export function unsatisfiableBecause(policy: PolicyInForce, startedBy: string): string | undefined {
  const eligible = eligiblePeople(policy, startedBy);
  if (eligible.length >= policy.approvals) return undefined;
  const where =
    policy.source === 'group-policy'
      ? `group ${policy.group}'s approval policy (revision ${policy.revision})`
      : "the run's file (approval section)";
  const who = eligible.length === 0 ? 'nobody' : `only ${eligible.join(', ')}`;
  return `${policy.approvals} approval(s) are needed, and under ${where} ${who} may approve a run ${startedBy} started; ${policy.source === 'group-policy' ? 'ask an admin to change the policy (ferry policy set)' : 'add approvers, or lower approval.approvals'}`;
}
