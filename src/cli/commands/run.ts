import type { Command } from 'commander';
import { connectClient } from '../../temporal/client';
import { apiTarget } from '../api-client';
import { followRun } from '../follow-run';
import { startPipelineRun } from '../start-run';
import type { trainingPipeline } from '../../workflows/pipeline';
import { print } from '../print';

interface RunOptions {
  detach?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'validate a pipeline file, start a run as the authenticated you (through FERRY_API_URL when set), and follow it until it ends',
    )
    .argument('<file>', 'pipeline file (YAML or JSON)')
    .option('--detach', 'print the run id and return at once')
    .action(async (file: string, options: RunOptions) => {
      const { client, close } = await connectClient();
      try {
        const { config, runId, startedBy } = await startPipelineRun(client, file, apiTarget());
        print(`run ${runId} started by ${startedBy}`);
        if (options.detach) return;
        process.exitCode = (
          await followRun(client.workflow.getHandle<typeof trainingPipeline>(runId), config)
        ).exitCode;
      } finally {
        await close();
      }
    });
}
