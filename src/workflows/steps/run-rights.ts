import { ApplicationFailure } from '@temporalio/workflow';
import { FAILURE } from '../../shared/failure-types';
import type { RunState } from '../run-state';
import { endpointOf } from './endpoint-of';

/**
 * Whether the run's verified starter may work in its model group and deploy
 * to its endpoint (DESIGN.md §4a): checked when the run starts, so a run
 * into another team's group fails in seconds, and again before it
 * registers, since an admin may have changed the group's policy meanwhile.
 */
export async function requireRunRights(run: RunState): Promise<void> {
  const rights = await run.activities.checkRunRights({
    group: run.config.modelGroup,
    endpoint: endpointOf(run.config),
    person: run.startedBy,
    backend: run.backend,
  });
  if (!rights.ok) throw ApplicationFailure.nonRetryable(rights.reason, FAILURE.notOwner);
}
