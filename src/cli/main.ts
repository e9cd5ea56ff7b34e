import { Command, CommanderError } from 'commander';
import { registerDev } from './commands/dev';
import { registerSchema } from './commands/schema';
import { registerValidate } from './commands/validate';
import { registerRun } from './commands/run';
import { registerStatus } from './commands/status';
import { registerModels } from './commands/models';
import { registerDecide } from './commands/decide';
import { registerHost } from './commands/host';
import { registerDemo } from './commands/demo';
import { registerEndpoints } from './commands/endpoints';
import { registerInvoke } from './commands/invoke';
import { registerApi } from './commands/api';
import { registerReport } from './commands/report';
import { registerPolicy } from './commands/policy';
import { registerWorker } from './commands/worker';
import { registerReconcile } from './commands/reconcile';
import { NoTemporalServer } from '../temporal/client';
import { EXIT_INVALID, EXIT_UNEXPECTED } from './exit-codes';
import { UserError } from '../shared/user-error';
import { TemporalCliNotFound } from '../temporal/temporal-cli';
import { terminalSafe, terminalSafeLines } from '../text/safe-text';

function buildProgram(): Command {
  const program = new Command('ferry')
    .description(
      'Durable training-to-deploy pipelines for Amazon SageMaker, orchestrated by Temporal',
    )
    .version('0.1.0')
    .exitOverride();
  registerValidate(program);
  registerSchema(program);
  registerDev(program);
  registerRun(program);
  registerStatus(program);
  registerModels(program);
  registerDecide(program);
  registerHost(program);
  registerDemo(program);
  registerEndpoints(program);
  registerInvoke(program);
  registerApi(program);
  registerReport(program);
  registerPolicy(program);
  registerWorker(program);
  registerReconcile(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has already printed usage errors; --help and --version exit 0.
    return error.exitCode === 0 ? 0 : EXIT_INVALID;
  }
  if (
    error instanceof UserError ||
    error instanceof TemporalCliNotFound ||
    error instanceof NoTemporalServer
  ) {
    // A message may quote a run id, a name or a file's content: one line, escaped, on any terminal.
    console.error(`ferry: ${terminalSafe(error.message)}`);
    return error instanceof UserError ? error.exitCode : EXIT_UNEXPECTED;
  }
  console.error(
    terminalSafeLines(
      `ferry: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    ),
  );
  return EXIT_UNEXPECTED;
}

void main(process.argv);
