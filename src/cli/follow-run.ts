import type { WorkflowHandle } from '@temporalio/client';
import type { PipelineConfig } from '../config/pipeline-schema';
import { summaryQuery, type PipelineResult } from '../workflows/definitions';
import type { trainingPipeline } from '../workflows/pipeline';
import { EXIT_NO_MODEL, EXIT_ROLLED_BACK, EXIT_RUN_FAILED } from './exit-codes';
import { formatRelease, formatWaiting } from './format-release';
import {
  formatChampionGate,
  formatChosenModel,
  formatLeaderboard,
  formatTrailEntry,
} from './format-leaderboard';
import { RunProgress } from './run-progress';
import { formatLoadProgress, readLoadTestProgress } from './load-test-progress';

import type { PolicyInForce } from '../policy/policy-in-force';
import { describePolicyInForce } from '../text/policy-words';
import { terminalSafe } from '../text/safe-text';
import { failedStep, failureOf, querySummary } from '../temporal/run-ending';

const POLL_MS = 1_000;

export interface FollowOptions {
  /** Called once when the run starts waiting for a decision, after the approve/reject commands are shown. */
  onAwaitingApproval?: () => Promise<void>;
}

function approvalPrompt(runId: string, policy: PolicyInForce | undefined): string {
  const rules = policy ? describePolicyInForce(policy) : 'the approval policy in force';
  return [
    `run ${runId} is waiting for a decision (${rules}); each approver, as themselves:`,
    `  ferry approve ${runId} -m "why"`,
    `  ferry reject ${runId} -m "why"`,
  ]
    .map(terminalSafe)
    .join('\n');
}

/** One line, every value in it escaped (a line break in a name included). */
function say(line: string): void {
  console.log(terminalSafe(line));
}

/**
 * How a failed run failed, in one line: the innermost cause from the
 * workflow's failure (a DatasetError's message and fix, not Temporal's
 * "Activity task failed"), and the step the run's summary shows failed.
 */
async function failureLine(handle: WorkflowHandle, error: unknown): Promise<string> {
  const { message } = failureOf(error);
  const step = failedStep(await querySummary(handle.client, handle));
  return terminalSafe(
    `run ${handle.workflowId} failed${step ? ` in step ${step}` : ''}: ${message}`,
  );
}

/** Streams a run's progress until it ends, prints how it ended, and returns the exit code. */
export async function followRun(
  handle: WorkflowHandle<typeof trainingPipeline>,
  config: PipelineConfig,
  options: FollowOptions = {},
): Promise<{ exitCode: number; result?: PipelineResult }> {
  const progress = new RunProgress(config.objective, config.candidates.count);
  const result = handle.result();
  let isDone = false;
  let hasPrompted = false;
  void result.finally(() => (isDone = true)).catch(() => undefined);
  while (!isDone) {
    try {
      const summary = await handle.query(summaryQuery);
      const loadTest =
        summary.stage === 'load-testing' ? await readLoadTestProgress(handle) : undefined;
      const waitingFor = summary.stage === 'waiting-for-endpoint' && summary.release?.waitingFor;
      progress.update(
        summary.stage,
        summary.candidates,
        waitingFor ? formatWaiting(waitingFor) : loadTest && formatLoadProgress(loadTest),
      );
      if (summary.stage === 'awaiting-approval' && !hasPrompted) {
        hasPrompted = true;
        progress.finish();
        console.log(approvalPrompt(handle.workflowId, summary.policy));
        await options.onAwaitingApproval?.();
      }
    } catch {
      // The run may not have started on a worker yet; the next poll tries again.
    }
    await Promise.race([
      result.catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, POLL_MS)),
    ]);
  }
  progress.finish();
  let outcome: PipelineResult;
  try {
    outcome = await result;
  } catch (error) {
    console.error(await failureLine(handle, error));
    return { exitCode: EXIT_RUN_FAILED };
  }
  console.log(formatLeaderboard(outcome.leaderboard, config.objective, outcome.protocol));
  if (outcome.winner) console.log(formatChosenModel(outcome.winner, config.objective));
  if (outcome.championGate) console.log(formatChampionGate(outcome.championGate, config.objective));
  const failed = outcome.candidates.filter((c) => c.state === 'failed');
  for (const candidate of failed)
    say(`${candidate.id} (${candidate.algorithm}) failed: ${candidate.error ?? 'unknown error'}`);
  for (const entry of outcome.decisionTrail ?? []) console.log(formatTrailEntry(entry));
  if (outcome.outcome === 'rejected' || outcome.outcome === 'expired') {
    const version = outcome.modelVersion;
    say(
      `${outcome.outcome}: ${version?.group ?? ''} version ${version?.version ?? '?'} is ${version?.status ?? 'Rejected'}`,
    );
    return { exitCode: EXIT_NO_MODEL, result: outcome };
  }
  if (outcome.outcome === 'no-candidate-passed') {
    say(`no candidate passed: ${outcome.reason ?? ''}`);
    return { exitCode: EXIT_NO_MODEL, result: outcome };
  }
  const registered = outcome.modelVersion;
  for (const line of formatRelease(outcome)) console.log(line);
  if (outcome.outcome === 'rolled-back') {
    say(`rolled back: ${outcome.reason ?? ''}`);
    return { exitCode: EXIT_ROLLED_BACK, result: outcome };
  }
  if (registered && outcome.outcome === 'deployed') {
    say(
      `deployed: ${registered.group} version ${registered.version} is ${registered.status} and serving`,
    );
  } else if (registered) {
    say(
      `registered ${registered.group} version ${registered.version} (${registered.status}); 'ferry models show ${registered.group} ${registered.version}' shows it`,
    );
  }
  return { exitCode: 0, result: outcome };
}
