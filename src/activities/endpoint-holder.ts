import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { RELEASE_HOLDER_MEMO } from '../workflows/release-definitions';

/**
 * endpointHolder: who holds an endpoint, read from the memo of the release
 * workflow that holds it ('run <id>', or the person behind `ferry release`),
 * so a run that waits for the endpoint can say whom it waits for. Undefined
 * when the release has ended since (the waiting run then tries again).
 */
export async function endpointHolder(input: { workflowId: string }): Promise<string | undefined> {
  const handle = Context.current().client.workflow.getHandle(input.workflowId);
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return undefined;
    const holder = description.memo?.[RELEASE_HOLDER_MEMO];
    return typeof holder === 'string' ? holder : 'another release';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
