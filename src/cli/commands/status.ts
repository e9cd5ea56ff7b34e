import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectClient } from '../../temporal/client';
import { failedStep, querySummary, runEnding, type RunEnding } from '../../temporal/run-ending';
import { FERRY_MODEL_GROUP, FERRY_STAGE } from '../../temporal/search-attributes';
import type { RunSummary } from '../../workflows/definitions';
import { describePolicyInForce } from '../../text/policy-words';
import { terminalSafe, terminalSafeJson } from '../../text/safe-text';
import { UserError } from '../../shared/user-error';
import {
  formatChampionGate,
  formatChosenModel,
  formatLeaderboard,
  formatTrailEntry,
} from '../format-leaderboard';
import { formatRelease } from '../format-release';

/**
 * `ferry status`: what the run's summary query says, and for a closed run
 * how it ended, read from its history (a failed run's innermost cause, its
 * DatasetError's words and fix), so the answer holds even when no worker is
 * there to answer the query. Every name and message is printed escaped.
 */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("show a run's stage, steps, candidates and leaderboard, and why it failed")
    .argument('<run>', 'run id (printed by ferry run)')
    .option('--json', 'print JSON')
    .action(async (runId: string, options: { json?: boolean }) => {
      const { client, close } = await connectClient();
      try {
        const handle = client.workflow.getHandle(runId);
        const description = await handle.describe().catch((error: unknown) => {
          if (error instanceof WorkflowNotFoundError)
            throw new UserError(`no run '${runId}'; 'ferry run' prints run ids`);
          throw error;
        });
        const status = description.status.name;
        const summary = await querySummary(client, handle);
        const ending = status === 'RUNNING' ? undefined : await runEnding(handle);
        if (options.json) {
          const view = { runId, status, ...summary, ...endingFields(ending) };
          console.log(terminalSafeJson(JSON.stringify(view, null, 2)));
          return;
        }
        const attributes = description.typedSearchAttributes;
        const group = summary.modelGroup ?? attributes.get(FERRY_MODEL_GROUP) ?? 'unknown group';
        const stage = summary.stage ?? attributes.get(FERRY_STAGE) ?? 'queued';
        const starter = summary.startedBy ? `, started by ${summary.startedBy}` : '';
        say(`run ${runId} (${group}${starter}): ${status}, stage ${stage}`);
        printFailure(summary, ending);
        printDetails(summary);
      } finally {
        await close();
      }
    });
}

/** One line, every value in it escaped (a line break in a name included). */
function say(line: string): void {
  console.log(terminalSafe(line));
}

function endingFields(ending: RunEnding | undefined) {
  if (!ending) return {};
  return {
    outcome: ending.outcome,
    ...('failure' in ending && ending.failure ? { failure: ending.failure } : {}),
  };
}

/** A failed run's cause, and the step it failed in when the summary shows it. */
function printFailure(summary: Partial<RunSummary>, ending: RunEnding | undefined): void {
  if (!ending || !('failure' in ending) || !ending.failure) return;
  const step = failedStep(summary);
  say(`${ending.outcome}${step ? ` in step ${step}` : ''}: ${ending.failure.message}`);
}

function printDetails(summary: Partial<RunSummary>): void {
  if (summary.steps && summary.steps.length > 0)
    say(`steps: ${summary.steps.map((s) => `${s.step} ${s.status}`).join(', ')}`);
  const candidates = summary.candidates ?? [];
  const states = ['succeeded', 'running', 'pending', 'failed'] as const;
  say(
    `candidates: ${states.map((s) => `${candidates.filter((c) => c.state === s).length} ${s}`).join(', ')}`,
  );
  for (const failed of candidates.filter((c) => c.state === 'failed'))
    say(`  ${failed.id} (${failed.algorithm}) failed: ${failed.error ?? 'unknown error'}`);
  if (!summary.objective) return;
  if (summary.leaderboard && summary.leaderboard.length > 0)
    console.log(formatLeaderboard(summary.leaderboard, summary.objective, summary.protocol));
  if (summary.winner) console.log(formatChosenModel(summary.winner, summary.objective));
  if (summary.championGate)
    console.log(formatChampionGate(summary.championGate, summary.objective));
  const version = summary.modelVersion;
  if (version) say(`model: ${version.group} version ${version.version} (${version.status})`);
  if (summary.policy) {
    say(`approval policy: ${describePolicyInForce(summary.policy)}`);
    for (const note of summary.policy.notes) say(`  ${note}`);
  }
  for (const entry of summary.decisionTrail ?? []) console.log(formatTrailEntry(entry));
  if (summary.refusedNotRecorded)
    say(`${summary.refusedNotRecorded} more refused decisions, counted but not kept`);
  for (const line of formatRelease({ release: summary.release })) console.log(line);
}
