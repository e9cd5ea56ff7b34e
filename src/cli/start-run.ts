import path from 'node:path';
import type { Client } from '@temporalio/client';
import { formatProblem } from '../config/problem';
import { validatePipelineFile } from '../config/validate-pipeline';
import { startValidatedRun, type StartedRun } from '../temporal/start-run';
import { EXIT_INVALID } from './exit-codes';
import { UserError } from '../shared/user-error';

/** Validates the file (a bad one starts nothing) and starts a run of it, as `ferry run` and the demo do. */
export async function startPipelineRun(
  client: Client,
  file: string,
  startedBy: string,
): Promise<StartedRun> {
  const validation = await validatePipelineFile(file);
  if (!validation.ok) {
    for (const problem of validation.problems) console.error(formatProblem(file, problem));
    throw new UserError(`${file} is not valid; nothing was started`, EXIT_INVALID);
  }
  return startValidatedRun(client, validation.config, {
    startedBy,
    baseDir: path.dirname(path.resolve(file)),
  });
}
