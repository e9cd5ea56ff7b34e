import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { PipelineConfig } from '../config/pipeline-schema';
import { summaryQuery, type PipelineResult } from '../workflows/definitions';
import type { trainingPipeline } from '../workflows/pipeline';
import { EXIT_NO_MODEL, EXIT_ROLLED_BACK, EXIT_RUN_FAILED } from './exit-codes';
import { formatRelease } from './format-release';
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
  ].join('\n');
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
      progress.update(summary.stage, summary.candidates, loadTest && formatLoadProgress(loadTest));
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
    const cause =
      error instanceof WorkflowFailedError && error.cause ? error.cause.message : String(error);
    console.error(`run ${handle.workflowId} failed: ${cause}`);
    return { exitCode: EXIT_RUN_FAILED };
  }
  console.log(formatLeaderboard(outcome.leaderboard, config.objective, outcome.protocol));
  if (outcome.winner) console.log(formatChosenModel(outcome.winner, config.objective));
  if (outcome.championGate) console.log(formatChampionGate(outcome.championGate, config.objective));
  const failed = outcome.candidates.filter((c) => c.state === 'failed');
  for (const candidate of failed)
    console.log(
      `${candidate.id} (${candidate.algorithm}) failed: ${candidate.error ?? 'unknown error'}`,
    );
  for (const entry of outcome.decisionTrail ?? []) console.log(formatTrailEntry(entry));
  if (outcome.outcome === 'rejected' || outcome.outcome === 'expired') {
    const version = outcome.modelVersion;
    console.log(
      `${outcome.outcome}: ${version?.group ?? ''} version ${version?.version ?? '?'} is ${version?.status ?? 'Rejected'}`,
    );
    return { exitCode: EXIT_NO_MODEL, result: outcome };
  }
  if (outcome.outcome === 'no-candidate-passed') {
    console.log(`no candidate passed: ${outcome.reason ?? ''}`);
    return { exitCode: EXIT_NO_MODEL, result: outcome };
  }
  const registered = outcome.modelVersion;
  for (const line of formatRelease(outcome)) console.log(line);
  if (outcome.outcome === 'rolled-back') {
    console.log(`rolled back: ${outcome.reason ?? ''}`);
    return { exitCode: EXIT_ROLLED_BACK, result: outcome };
  }
  if (registered && outcome.outcome === 'deployed') {
    console.log(
      `deployed: ${registered.group} version ${registered.version} is ${registered.status} and serving`,
    );
  } else if (registered) {
    console.log(
      `registered ${registered.group} version ${registered.version} (${registered.status}); 'ferry models show ${registered.group} ${registered.version}' shows it`,
    );
  }
  return { exitCode: 0, result: outcome };
}
