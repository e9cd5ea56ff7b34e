import type { AccountParts, BackendResolver } from '../backends/backend-resolver';
import type { RollbackEndpointInput, RollbackSummary } from '../workflows/release-definitions';

/**
 * rollback (compensation): puts the endpoint back on the version it served
 * before this run, or removes it if this run created it, and records both
 * moves in the deployment history. Idempotent: the host does nothing for a
 * deployment that is no longer current, and the history records a move once.
 */
export function createRollbackEndpoint(backends: BackendResolver) {
  return async function rollbackEndpoint(input: RollbackEndpointInput): Promise<RollbackSummary> {
    return rollBackAndRecord(backends.of(input.backend), input);
  };
}

/** The rollback and its record, for a run's compensation and for `ferry reconcile` alike. */
export async function rollBackAndRecord(
  { hosting, registry }: AccountParts,
  input: Pick<RollbackEndpointInput, 'endpoint' | 'deploymentId' | 'model' | 'reason'>,
): Promise<RollbackSummary> {
  const result = await hosting.rollback(input.endpoint, input.deploymentId);
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
