import { formatDurationMs } from '../config/duration';
import type { PolicyInForce } from '../policy/policy-in-force';

/** A policy in force in one line, naming where it came from: for `ferry models show`, the status and the report. */
export function describePolicyInForce(policy: PolicyInForce): string {
  const source =
    policy.source === 'group-policy'
      ? `group ${policy.group}'s policy, revision ${policy.revision}`
      : "the run's own file (the group has no policy)";
  const people = [
    ...policy.approvers,
    ...Object.entries(policy.groups).map(([name, members]) => `${name} (${members.join(', ')})`),
  ];
  const starter = policy.allowStarterToApprove ? 'the starter may approve' : 'not the starter';
  return `${policy.approvals} of ${people.join(', ') || 'nobody'}; ${starter}; within ${formatDurationMs(policy.timeoutMs)}; from ${source}`;
}
