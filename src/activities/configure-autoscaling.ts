import type { BackendResolver } from '../backends/backend-resolver';
import type {
  AutoscalingSummary,
  ConfigureAutoscalingInput,
} from '../workflows/release-definitions';

/**
 * configureAutoscaling: turns on target tracking for the endpoint. Setting
 * the same policy twice changes nothing, so a retry is harmless.
 */
export function createConfigureAutoscaling(backends: BackendResolver) {
  return async function configureAutoscaling(
    input: ConfigureAutoscalingInput,
  ): Promise<AutoscalingSummary> {
    const { hosting } = backends.of(input.backend);
    const endpoint = await hosting.setScalingPolicy(input.endpoint, input.policy);
    return {
      endpoint: input.endpoint,
      policy: endpoint.policy,
      replicas: endpoint.desiredReplicas,
    };
  };
}
