import {
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
  type WorkflowHandle,
} from '@temporalio/client';
import type { z } from 'zod';
import { FERRY_BACKEND, FERRY_MODEL_GROUP, FERRY_STAGE } from '../temporal/search-attributes';
import { PIPELINE_WORKFLOW, type PipelineResult } from '../workflows/definitions';
import { querySummary, runEnding } from '../temporal/run-ending';
import type { trainingPipeline } from '../workflows/pipeline';
import { notFound } from './errors';
import type { runListItemSchema, runSchema } from './schemas';

// The credentials route reads the summary this way too.
export { querySummary };

export type RunView = z.infer<typeof runSchema>;
export type RunListItem = z.infer<typeof runListItemSchema>;

/**
 * A Ferry run of this server's task queue, or 404: the API does not reach
 * other workflows (candidate children, other deployments' runs) by id.
 */
export async function findRun(
  client: Client,
  taskQueue: string,
  runId: string,
): Promise<{
  handle: WorkflowHandle<typeof trainingPipeline>;
  description: WorkflowExecutionDescription;
}> {
  const handle = client.workflow.getHandle<typeof trainingPipeline>(runId);
  const description = await handle.describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) throw unknownRun(runId);
    throw error;
  });
  if (description.type !== PIPELINE_WORKFLOW || description.taskQueue !== taskQueue)
    throw unknownRun(runId);
  return { handle, description };
}

function unknownRun(runId: string) {
  return notFound(`no run '${runId}'; GET /runs lists the runs, POST /runs starts one`);
}

/**
 * A run as `ferry status --json` shows it: Temporal's status, then the
 * workflow's own summary (stage, candidates, leaderboard, decision trail,
 * release). A closed run adds how it ended; a run no worker has picked up
 * yet shows the stage its search attribute holds.
 */
export async function viewRun(client: Client, taskQueue: string, runId: string): Promise<RunView> {
  const { handle, description } = await findRun(client, taskQueue, runId);
  const base = fromVisibility(description);
  const summary = await querySummary(client, handle);
  if (description.status.name === 'RUNNING') return { ...base, ...summary };
  const ending = await howItEnded(handle);
  return { ...base, ...ending, ...summary, outcome: ending.outcome, reason: ending.reason };
}

/** Recent runs on the task queue, newest first, from Temporal's visibility store. */
export async function listRuns(
  client: Client,
  taskQueue: string,
  filter: { modelGroup?: string; limit: number },
): Promise<RunListItem[]> {
  const clauses = [`WorkflowType = ${quote(PIPELINE_WORKFLOW)}`, `TaskQueue = ${quote(taskQueue)}`];
  if (filter.modelGroup) clauses.push(`${FERRY_MODEL_GROUP.name} = ${quote(filter.modelGroup)}`);
  const runs: RunListItem[] = [];
  for await (const info of client.workflow.list({ query: clauses.join(' AND ') })) {
    runs.push(fromVisibility(info));
    if (runs.length >= filter.limit) break;
  }
  return runs;
}

function fromVisibility(info: WorkflowExecutionInfo | WorkflowExecutionDescription): RunListItem {
  const attributes = info.typedSearchAttributes;
  return {
    runId: info.workflowId,
    status: info.status.name,
    stage: attributes.get(FERRY_STAGE) ?? 'queued',
    modelGroup: attributes.get(FERRY_MODEL_GROUP),
    backend: attributes.get(FERRY_BACKEND),
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString(),
  };
}

type Ending = Partial<Omit<PipelineResult, 'runId' | 'report'>> & {
  stage?: string;
  reportUrl?: string;
  failure?: string;
};

/** A closed run's result, or why it has none: the innermost cause, as `ferry status` shows it. */
async function howItEnded(handle: WorkflowHandle<typeof trainingPipeline>): Promise<Ending> {
  const ending = await runEnding(handle);
  if (!('result' in ending)) {
    return ending.failure ? { failure: ending.failure.message } : { failure: ending.outcome };
  }
  // The report's file paths are the server's business: point at the route instead.
  const { runId, report, ...result } = ending.result;
  return {
    ...result,
    stage: result.outcome,
    ...(report ? { reportUrl: `/runs/${runId}/report` } : {}),
  };
}

/** A string literal of Temporal's list filter. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
