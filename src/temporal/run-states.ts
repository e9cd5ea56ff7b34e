import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RunState } from '../reconcile/reconcile-plan';
import { runEnding } from './run-ending';

/**
 * How a run stands, read from Temporal by its workflow id (a Ferry run id):
 * open, closed and how (a completed run's outcome from its result), or not
 * found (past the namespace's retention, or in another namespace).
 */
export async function describeRunState(client: Client, runId: string): Promise<RunState> {
  const handle = client.workflow.getHandle(runId);
  const description = await handle.describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  });
  if (!description) return { state: 'not-found' };
  const status = description.status.name;
  if (status === 'RUNNING') return { state: 'open' };
  const ending = status.toLowerCase();
  if (status !== 'COMPLETED') return { state: 'closed', ending };
  const { outcome } = await runEnding(handle);
  return { state: 'closed', ending, outcome };
}

/** Whether a workflow of this id is running now (a release workflow holding its endpoint). */
export async function isWorkflowOpen(client: Client, workflowId: string): Promise<boolean> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
