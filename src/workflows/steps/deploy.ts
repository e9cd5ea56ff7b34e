import type { RegisteredModel } from '../definitions';
import type { DeploymentSummary } from '../release-definitions';
import type { RunState } from '../run-state';
import { rolledBackOnFailure } from './compensation';
import { endpointOf, scalingPolicyOf } from './endpoint-of';

/** Step 6: put the approved version on its endpoint, wait until it serves, turn on auto scaling. */
export function deploy(run: RunState, model: RegisteredModel): Promise<DeploymentSummary> {
  const endpoint = endpointOf(run.config);
  const policy = scalingPolicyOf(run.config.endpoint);
  const { backend } = run;
  return run.step(
    'deploy',
    () =>
      rolledBackOnFailure(run, endpoint, model, async () => {
        const deployment = await run.activities.deployEndpoint({
          runId: run.runId,
          endpoint,
          model: { group: model.group, version: model.version },
          policy,
          backend,
        });
        run.release = { deployment };
        run.setStage('scaling');
        run.release.autoscaling = await run.activities.configureAutoscaling({
          endpoint,
          policy,
          backend,
        });
        return deployment;
      }),
    (deployment) => ({
      note: `${deployment.endpoint} serves ${model.group} version ${model.version} on ${deployment.replicas} replicas`,
    }),
  );
}
