import path from 'node:path';
import type { Client } from '@temporalio/client';
import { formatProblem } from '../config/problem';
import { validatePipelineFile } from '../config/validate-pipeline';
import type { PipelineConfig } from '../config/pipeline-schema';
import { startValidatedRun, withAbsoluteDatasetPath } from '../temporal/start-run';
import { EXIT_INVALID } from './exit-codes';
import { UserError } from '../shared/user-error';
import type { ApiTarget } from './api-client';
import { callApi } from './api-client';
import { localSigner } from './local-signer';
import { startProblem } from './start-checks';
import { printError } from './print';

export interface CliStartedRun {
  runId: string;
  config: PipelineConfig;
  startedBy: string;
}

/**
 * Validates the file (a bad one starts nothing) and starts a run of it, as
 * `ferry run` and the demo do: through the API when one is configured (the
 * API authenticates the starter), else as this machine's user. Either way
 * the starter's right to its model group and endpoint, and the run's
 * approval policy, are checked first, so a run into another team's group or
 * one nobody could ever approve is not started.
 */
export async function startPipelineRun(
  client: Client,
  file: string,
  api?: ApiTarget,
): Promise<CliStartedRun> {
  const validation = await validatePipelineFile(file);
  if (!validation.ok) {
    for (const problem of validation.problems) printError(formatProblem(file, problem));
    throw new UserError(`${file} is not valid; nothing was started`, EXIT_INVALID);
  }
  const baseDir = path.dirname(path.resolve(file));
  if (api) {
    // The server reads relative paths from its own folder: send the one this file means.
    const config = withAbsoluteDatasetPath(validation.config, baseDir);
    const started = await callApi<{ runId: string; startedBy: string }>(
      api,
      'POST',
      '/runs',
      config,
    );
    return { ...started, config };
  }
  const starter = await localSigner();
  const problem = await startProblem(validation.config, starter.subject);
  if (problem) throw new UserError(`${file}: ${problem}; nothing was started`, EXIT_INVALID);
  const { runId, config } = await startValidatedRun(client, validation.config, {
    starter,
    baseDir,
  });
  return { runId, config, startedBy: starter.subject };
}
