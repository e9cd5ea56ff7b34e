import type { BackendResolver } from '../backends/backend-resolver';
import { checkRunRights, type RunRights } from '../policy/run-rights';
import type { CheckRunRightsInput } from '../workflows/definitions';

/**
 * checkRunRights: whether the run's verified starter may work in its model
 * group and deploy to its endpoint. A refusal is an answer (the workflow
 * fails the run with it), not a failure to retry.
 */
export function createCheckRunRights(backends: BackendResolver) {
  return async function checkRunRightsActivity(input: CheckRunRightsInput): Promise<RunRights> {
    return checkRunRights(backends.of(input.backend), input);
  };
}
