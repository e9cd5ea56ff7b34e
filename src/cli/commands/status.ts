import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectClient } from '../../temporal/client';
import { summaryQuery } from '../../workflows/definitions';
import { describePolicyInForce } from '../../text/policy-words';
import { UserError } from '../../shared/user-error';
import {
  formatChampionGate,
  formatChosenModel,
  formatLeaderboard,
  formatTrailEntry,
} from '../format-leaderboard';
import { formatRelease } from '../format-release';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("show a run's stage, candidates and leaderboard")
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
        const summary = await handle.query(summaryQuery);
        if (options.json) {
          console.log(
            JSON.stringify({ runId, status: description.status.name, ...summary }, null, 2),
          );
          return;
        }
        console.log(
          `run ${runId} (${summary.modelGroup}, started by ${summary.startedBy}): ${description.status.name}, stage ${summary.stage}`,
        );
        const states = ['succeeded', 'running', 'pending', 'failed'] as const;
        console.log(
          `candidates: ${states.map((s) => `${summary.candidates.filter((c) => c.state === s).length} ${s}`).join(', ')}`,
        );
        for (const failed of summary.candidates.filter((c) => c.state === 'failed')) {
          console.log(
            `  ${failed.id} (${failed.algorithm}) failed: ${failed.error ?? 'unknown error'}`,
          );
        }
        if (summary.leaderboard.length > 0)
          console.log(formatLeaderboard(summary.leaderboard, summary.objective, summary.protocol));
        if (summary.winner) console.log(formatChosenModel(summary.winner, summary.objective));
        if (summary.championGate)
          console.log(formatChampionGate(summary.championGate, summary.objective));
        const version = summary.modelVersion;
        if (version)
          console.log(`model: ${version.group} version ${version.version} (${version.status})`);
        if (summary.policy) {
          console.log(`approval policy: ${describePolicyInForce(summary.policy)}`);
          for (const note of summary.policy.notes) console.log(`  ${note}`);
        }
        for (const entry of summary.decisionTrail ?? []) console.log(formatTrailEntry(entry));
        if (summary.refusedNotRecorded > 0)
          console.log(`${summary.refusedNotRecorded} more refused decisions, counted but not kept`);
        for (const line of formatRelease(summary)) console.log(line);
      } finally {
        await close();
      }
    });
}
