import type { Command } from 'commander';
import { connectClient } from '../../temporal/client';
import { followRun } from '../follow-run';
import { startPipelineRun } from '../start-run';
import { whoAmI } from '../who-am-i';

interface RunOptions {
  as?: string;
  detach?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('validate a pipeline file, start a run, and follow it until it ends')
    .argument('<file>', 'pipeline file (YAML or JSON)')
    .option('--as <name>', 'who is starting the run (default: FERRY_USER, then the OS user)')
    .option('--detach', 'print the run id and return at once')
    .action(async (file: string, options: RunOptions) => {
      const { client, close } = await connectClient();
      try {
        const startedBy = whoAmI(options.as);
        const { handle, config, runId } = await startPipelineRun(client, file, startedBy);
        console.log(`run ${runId} started by ${startedBy}`);
        if (options.detach) return;
        process.exitCode = (await followRun(handle, config)).exitCode;
      } finally {
        await close();
      }
    });
}
