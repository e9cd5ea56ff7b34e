import { ApplicationFailure } from '@temporalio/activity';
import { JobInputError } from '../backends/trainer';
import type { BackendResolver } from '../backends/backend-resolver';
import type { BuildEnsembleInput } from '../workflows/definitions';
import { FAILURE } from '../shared/failure-types';
import { candidateDir, candidateJobName } from './artifact-paths';
import { startHeartbeats } from './heartbeat';

/** The ensemble's folder and job name, as a candidate's: `<run>/candidates/ensemble`, `<run>-ensemble`. */
export const ENSEMBLE_ID = 'ensemble';

/**
 * buildEnsemble: one model from the chosen ensemble's members (refit on
 * train + validation, or as trained), through the backend: a folder
 * locally, a model.tar.gz in S3 on SageMaker. Idempotent: a retry rebuilds
 * the same model at the same place.
 */
export function createBuildEnsemble(artifactsRoot: string, backends: BackendResolver) {
  return async function buildEnsemble(input: BuildEnsembleInput): Promise<{ modelDir: string }> {
    const heartbeats = startHeartbeats();
    try {
      return await backends.of(input.backend).trainer.buildEnsemble(
        {
          jobName: candidateJobName(input.runId, ENSEMBLE_ID),
          runId: input.runId,
          members: input.members,
          workDir: candidateDir(artifactsRoot, input.runId, ENSEMBLE_ID),
        },
        heartbeats,
      );
    } catch (error) {
      if (error instanceof JobInputError)
        throw ApplicationFailure.nonRetryable(error.message, FAILURE.ensemble);
      throw error;
    } finally {
      heartbeats.stop();
    }
  };
}
