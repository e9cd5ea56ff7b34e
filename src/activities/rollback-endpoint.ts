import type { AccountParts, BackendResolver } from '../backends/backend-resolver';
import type { EndpointDescription, RollbackResult } from '../backends/hosting';
import { startHeartbeats } from './heartbeat';
import { whenEndpointFree } from './when-endpoint-free';
import type { RollbackEndpointInput, RollbackSummary } from '../workflows/release-definitions';

/**
 * rollback (compensation): puts the endpoint back on the version it served
 * before this run, or removes it if this run created it, and records both
 * moves in the deployment history. Idempotent: the host does nothing for a
 * deployment that is no longer current, and the history records a move once.
 * An endpoint still moving (SageMaker `Creating` or `Updating`, for minutes)
 * is waited out, heartbeating, for as long as the activity's timeout (the
 * pipeline's `endpoint.rollbackTimeout`) allows.
 */
export function createRollbackEndpoint(backends: BackendResolver) {
  return async function rollbackEndpoint(input: RollbackEndpointInput): Promise<RollbackSummary> {
    const parts = backends.of(input.backend);
    const heartbeats = startHeartbeats<Partial<EndpointDescription>>({ status: 'Updating' });
    try {
      return await rollBackAndRecord(parts, input, (rollback) =>
        whenEndpointFree(parts.hosting, heartbeats, rollback),
      );
    } finally {
      heartbeats.stop();
    }
  };
}

/**
 * The rollback and its record, for a run's compensation and for `ferry
 * reconcile` alike; `whileBusy` says how to wait for an endpoint that is
 * still moving (by default not at all: the caller's retries do).
 */
export async function rollBackAndRecord(
  { hosting, registry }: AccountParts,
  input: Pick<RollbackEndpointInput, 'endpoint' | 'deploymentId' | 'model' | 'reason'>,
  whileBusy: (rollback: () => Promise<RollbackResult>) => Promise<RollbackResult> = (rollback) =>
    rollback(),
): Promise<RollbackSummary> {
  const result = await whileBusy(() => hosting.rollback(input.endpoint, input.deploymentId));
  if (result.action === 'nothing-to-do') return { ...result, reason: input.reason };
  await registry.recordDeployment({
    ...input.model,
    endpoint: input.endpoint,
    action: result.action === 'removed' ? 'removed' : 'rolled-back',
    deploymentId: input.deploymentId,
    detail: input.reason,
  });
  if (result.restored) {
    await registry.recordDeployment({
      group: result.restored.group,
      version: result.restored.version,
      endpoint: input.endpoint,
      action: 'restored',
      deploymentId: input.deploymentId,
      detail: `back in service after ${input.model.group} v${input.model.version} was rolled back`,
    });
  }
  return { ...result, reason: input.reason };
}
