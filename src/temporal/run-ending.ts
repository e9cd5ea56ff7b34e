import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
} from '@temporalio/common';
import { summaryQuery, type PipelineResult, type RunSummary } from '../workflows/definitions';
import type { PipelineStep } from '../workflows/release-definitions';
import { rootMessage } from '../workflows/root-message';

/** A query on a closed run replays it on a worker; without one it would wait, so it gets a deadline. */
const QUERY_DEADLINE_MS = 5_000;

/** Why a run failed: the innermost cause's words (a DatasetError's message and its fix), bounded. */
export interface RunFailure {
  /** The failure type of the innermost ApplicationFailure (`DatasetError`), when there is one. */
  type?: string;
  message: string;
}

/**
 * How a closed run ended, read from its history, so it needs no worker:
 * its result, or why it did not get one.
 */
export type RunEnding =
  | { outcome: PipelineResult['outcome']; result: PipelineResult }
  | { outcome: 'failed'; failure: RunFailure }
  | { outcome: 'cancelled' | 'terminated' | 'timed-out'; failure?: RunFailure };

/** How the closed run of `handle` ended. */
export async function runEnding(handle: WorkflowHandle): Promise<RunEnding> {
  try {
    const result = (await handle.result()) as PipelineResult;
    return { outcome: result.outcome, result };
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? error.cause : error;
    if (cause instanceof CancelledFailure) return { outcome: 'cancelled' };
    if (cause instanceof TerminatedFailure)
      return { outcome: 'terminated', failure: failureOf(cause) };
    if (cause instanceof TimeoutFailure) return { outcome: 'timed-out' };
    return { outcome: 'failed', failure: failureOf(error) };
  }
}

/**
 * The innermost cause of a run's failure, not the wrappers Temporal puts
 * round it ("Activity task failed"): the activity's own message and type.
 */
export function failureOf(error: unknown): RunFailure {
  let type: string | undefined;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
  }
  return { ...(type ? { type } : {}), message: rootMessage(error) };
}

/**
 * How a run ended, as the end of "run <id> ended ...": "deployed",
 * "rolled-back", "failed: <cause>". Plain text: a terminal escapes it where
 * it prints it (the cause may quote a file's content).
 */
export function endedWords(ending: RunEnding): string {
  const cause = 'failure' in ending && ending.failure ? `: ${ending.failure.message}` : '';
  return `${ending.outcome}${cause}`;
}

/**
 * Why a decision on a closed run is refused: "run <id> ended deployed; ...".
 * `ferry approve` (exit 3) and the API (409) give the same words.
 */
export async function decisionOnEndedRun(handle: WorkflowHandle): Promise<string> {
  const words = endedWords(await runEnding(handle));
  return `run ${handle.workflowId} ended ${words}; a decision is taken only while a run waits for one`;
}

/** The step a run failed in, from its summary's step log; undefined when it shows none. */
export function failedStep(summary: Partial<RunSummary>): PipelineStep | undefined {
  return summary.steps?.find((step) => step.status === 'failed')?.step;
}

/** The workflow's summary, or {} when no worker answers within the deadline. */
export async function querySummary(
  client: Pick<Client, 'connection'>,
  handle: WorkflowHandle,
): Promise<Partial<RunSummary>> {
  try {
    return await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      handle.query(summaryQuery),
    );
  } catch {
    // Not picked up by a worker yet, or closed with no worker to replay it: the rest still answers.
    return {};
  }
}
