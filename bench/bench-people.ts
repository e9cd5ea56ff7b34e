import type { WorkflowHandle } from '@temporalio/client';
import type { Signer } from '../src/identity/credential-issuer';
import { apiIssuer } from '../src/identity/machine-keys';
import { sendDecision } from '../src/temporal/run-control';
import type { DecisionAction } from '../src/workflows/approval-rules';

/**
 * Who a benchmark acts as: `subject`, vouched for by the API issuer of the
 * worker's home, which that home's workers trust (the development default).
 * The environment is ignored, so a developer's own FERRY_* settings cannot
 * change what a benchmark runs.
 */
export async function benchPerson(home: string, subject: string): Promise<Signer> {
  return { issuer: await apiIssuer(home, {}), subject };
}

/** Approves or rejects as `subject`; a refusal is a bug in the benchmark, so it throws. */
export async function decideAs(
  handle: WorkflowHandle,
  home: string,
  subject: string,
  action: DecisionAction,
  message: string,
): Promise<void> {
  const outcome = await sendDecision(handle, action, await benchPerson(home, subject), message);
  if (!outcome.isAccepted)
    throw new Error(`${handle.workflowId}: ${subject}'s ${action} was refused: ${outcome.reason}`);
}
