import type { BackendResolver } from '../backends/backend-resolver';
import { resolvePolicy, type PolicyInForce } from '../policy/policy-in-force';
import type { ResolveApprovalPolicyInput } from '../workflows/definitions';

/**
 * resolveApprovalPolicy: the approval policy a run of the group is governed
 * by now: the group's policy from the registry, tightened by the run's file,
 * or the file's own approval section when the group has none.
 */
export function createResolveApprovalPolicy(backends: BackendResolver) {
  return async function resolveApprovalPolicy(
    input: ResolveApprovalPolicyInput,
  ): Promise<PolicyInForce> {
    const { registry } = backends.of(input.backend);
    return resolvePolicy(input.group, await registry.getPolicy(input.group), input.approval);
  };
}
