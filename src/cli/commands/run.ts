import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { formatProblem } from '../../config/problem';
import { validatePipelineFile } from '../../config/validate-pipeline';
import type { PipelineConfig } from '../../config/pipeline-schema';
import { connectClient } from '../../temporal/client';
import { FERRY_BACKEND, FERRY_MODEL_GROUP, FERRY_STAGE } from '../../temporal/search-attributes';
import { ferryTaskQueue } from '../../temporal/task-queues';
import { summaryQuery, type PipelineResult } from '../../workflows/definitions';
import type { trainingPipeline } from '../../workflows/pipeline';
import { EXIT_INVALID, EXIT_NO_MODEL, EXIT_RUN_FAILED, UserError } from '../exit-codes';
import {
  formatChampionGate,
  formatLeaderboard,
  formatNumber,
  formatTrailEntry,
} from '../format-leaderboard';
import { RunProgress } from '../run-progress';
import { whoAmI } from '../who-am-i';

interface RunOptions {
  as?: string;
  detach?: boolean;
}

const POLL_MS = 1_000;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('validate a pipeline file, start a run, and follow it until it ends')
    .argument('<file>', 'pipeline file (YAML or JSON)')
    .option('--as <name>', 'who is starting the run (default: FERRY_USER, then the OS user)')
    .option('--detach', 'print the run id and return at once')
    .action(async (file: string, options: RunOptions) => {
      const validation = await validatePipelineFile(file);
      if (!validation.ok) {
        for (const problem of validation.problems) console.error(formatProblem(file, problem));
        throw new UserError(`${file} is not valid; nothing was started`, EXIT_INVALID);
      }
      const config = withAbsoluteDatasetPath(validation.config, file);
      const { client, close } = await connectClient();
      try {
        const runId = `ferry-${config.name}-${randomBytes(4).toString('hex')}`;
        const startedBy = whoAmI(options.as);
        const handle = await client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
          taskQueue: ferryTaskQueue(),
          workflowId: runId,
          args: [{ config, startedBy }],
          typedSearchAttributes: [
            { key: FERRY_STAGE, value: 'queued' },
            { key: FERRY_MODEL_GROUP, value: config.modelGroup },
            { key: FERRY_BACKEND, value: config.backend },
          ],
        });
        console.log(`run ${runId} started by ${startedBy}`);
        if (options.detach) return;
        process.exitCode = await follow(handle, config);
      } finally {
        await close();
      }
    });
}

function approvalPrompt(runId: string, config: PipelineConfig): string {
  return [
    `run ${runId} is waiting for a decision (approvers: ${config.approval.approvers.join(', ')}; expires after ${config.approval.timeout}):`,
    `  ferry approve ${runId} --as <name> -m "why"`,
    `  ferry reject ${runId} --as <name> -m "why"`,
  ].join('\n');
}

/** The worker may run in another folder: hand it an absolute dataset path. */
function withAbsoluteDatasetPath(config: PipelineConfig, file: string): PipelineConfig {
  if (config.dataset.path.startsWith('s3://')) return config;
  return {
    ...config,
    dataset: { ...config.dataset, path: path.resolve(path.dirname(file), config.dataset.path) },
  };
}

async function follow(
  handle: WorkflowHandle<typeof trainingPipeline>,
  config: PipelineConfig,
): Promise<number> {
  const progress = new RunProgress(config.objective);
  const result = handle.result();
  let isDone = false;
  let hasPrompted = false;
  void result.finally(() => (isDone = true)).catch(() => undefined);
  while (!isDone) {
    try {
      const summary = await handle.query(summaryQuery);
      progress.update(summary.stage, summary.candidates);
      if (summary.stage === 'awaiting-approval' && !hasPrompted) {
        hasPrompted = true;
        progress.finish();
        console.log(approvalPrompt(handle.workflowId, config));
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
    return EXIT_RUN_FAILED;
  }
  console.log(formatLeaderboard(outcome.leaderboard, config.objective));
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
    return EXIT_NO_MODEL;
  }
  if (outcome.outcome === 'no-candidate-passed') {
    console.log(`no candidate passed: ${outcome.reason ?? ''}`);
    return EXIT_NO_MODEL;
  }
  const winner = outcome.winner;
  console.log(
    `selected ${winner?.id ?? '?'} (${winner?.algorithm ?? '?'}) with ${config.objective} ${formatNumber(winner?.objectiveValue)}`,
  );
  const registered = outcome.modelVersion;
  if (registered && outcome.outcome === 'approved') {
    console.log(
      `approved: ${registered.group} version ${registered.version} is ${registered.status}`,
    );
  } else if (registered) {
    console.log(
      `registered ${registered.group} version ${registered.version} (${registered.status}); 'ferry models show ${registered.group} ${registered.version}' shows it`,
    );
  }
  return 0;
}
