import { appendFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context, log } from '@temporalio/activity';
import { JobInputError } from '../backends/trainer';
import type { BackendResolver } from '../backends/backend-resolver';
import type { TrainCandidateInput, TrainedModel } from '../workflows/definitions';
import { writeFileAtomic } from '../shared/atomic-write';
import { makeDirectory } from '../shared/make-directory';
import { candidateDir, candidateJobName } from './artifact-paths';
import { startHeartbeats } from './heartbeat';
import { FAILURE } from '../shared/failure-types';

/**
 * trainCandidate: one training job. Idempotent: a completed training leaves a
 * `_SUCCESS` record, and a retry (after a worker crash, say) returns it
 * instead of training again. Every attempt is written to `attempts.log` and
 * every completion to `completions.log`, so "trained exactly once" is checkable.
 */
export function createTrainCandidate(artifactsRoot: string, backends: BackendResolver) {
  return async function trainCandidate(input: TrainCandidateInput): Promise<TrainedModel> {
    const { candidate } = input;
    const workDir = candidateDir(artifactsRoot, input.runId, candidate.id, input.fold);
    const successFile = path.join(workDir, '_SUCCESS');
    const done = await readJson<TrainedModel>(successFile);
    if (done) {
      log.info('training already completed; reusing it', {
        runId: input.runId,
        candidate: candidate.id,
      });
      return done;
    }
    await makeDirectory(workDir);
    const attempt = Context.current().info.attempt;
    await appendFile(path.join(workDir, 'attempts.log'), `attempt ${attempt} pid ${process.pid}\n`);

    const { trainer } = backends.of(input.backend);
    const heartbeats = startHeartbeats();
    const startedAt = Date.now();
    try {
      const outcome = await trainer.train(
        {
          jobName: candidateJobName(input.runId, candidate.id, input.fold),
          runId: input.runId,
          algorithm: candidate.algorithm,
          task: input.task,
          target: input.target,
          positiveClass: input.positiveClass,
          hyperparameters: candidate.hyperparameters,
          seed: candidate.seed,
          channels: input.channels,
          channelSet: channelSetOf(input),
          workDir,
          threads: Math.max(1, Math.floor(os.availableParallelism() / input.concurrentTrainings)),
        },
        heartbeats,
      );
      const trained: TrainedModel = {
        modelDir: outcome.modelDir,
        validationMetrics: outcome.validationMetrics,
        fittedRounds: outcome.fittedRounds,
        trainingMs: Date.now() - startedAt,
      };
      await writeFileAtomic(successFile, JSON.stringify(trained));
      await appendFile(
        path.join(workDir, 'completions.log'),
        `attempt ${attempt} pid ${process.pid}\n`,
      );
      return trained;
    } catch (error) {
      if (Context.current().cancellationSignal.aborted) {
        throw new CancelledFailure(
          `training of ${candidate.id} was cancelled; its process group was killed`,
        );
      }
      if (heartbeats.signal.aborted) throw error;
      if (error instanceof JobInputError)
        throw ApplicationFailure.nonRetryable(error.message, FAILURE.trainingInput);
      throw error;
    } finally {
      heartbeats.stop();
    }
  };
}

/** Which rows the training reads, named for the backend's copy of them. */
function channelSetOf(input: TrainCandidateInput): string {
  if (input.fold !== undefined) return `fold-${input.fold}`;
  return input.channels.validation === undefined ? 'train-validation' : 'holdout';
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
