import { access, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  StopTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { ApplicationFailure } from '@temporalio/common';
import { predictInWorker } from '../../python/batch-predict';
import { buildEnsembleInWorker } from '../../python/build-ensemble';
import {
  JobInputError,
  type EnsembleJob,
  type JobControls,
  type PredictionJob,
  type Predictions,
  type Trainer,
  type TrainingJob,
  type TrainingOutcome,
} from '../trainer';
import { isStoredLocation } from '../run-store';
import type { AwsClients } from './aws-clients';
import { awsCall, isAlreadyExists, isNotFound, translateAwsError } from './aws-errors';
import { downloadModel, uploadFolder, uploadModel } from './s3-artifacts';
import { runKey } from './s3-paths';
import type { SageMakerSettings } from '../sagemaker-settings';
import { ensureSourceBundle } from './source-bundle';
import { FITTED_ROUNDS_METRIC, trainingJobRequest } from './training-job-request';
import { sagemakerName } from './resource-names';
import { SAGEMAKER_POLLING } from './sagemaker-polling';
import { nextPollMs, pause } from '../../shared/poll-schedule';
import { FAILURE } from '../../shared/failure-types';

/** A job name is used once per account forever; a failed job's retry gets the next suffix, up to this many. */
const MAX_JOB_ATTEMPTS = 20;

/**
 * Training as SageMaker training jobs (DESIGN.md §3): the splits (in S3
 * since the prepare step) and the algorithm's source bundle (uploaded here)
 * under the run's prefix, the framework
 * container runs the same `train.py`, and the model comes back as the job's
 * `model.tar.gz`. Evaluation downloads that model and runs the same
 * inference functions in the worker (src/python/batch-predict.ts, the path
 * the local backend takes too), so every metric comes from the one
 * TypeScript implementation.
 */
export class SageMakerTrainer implements Trainer {
  private readonly region: string;
  private readonly uploads = new Map<string, Promise<string>>();

  constructor(
    private readonly clients: Pick<AwsClients, 'sagemaker' | 's3'>,
    private readonly settings: SageMakerSettings,
    region: string,
  ) {
    this.region = region;
  }

  async train(job: TrainingJob, controls: JobControls): Promise<TrainingOutcome> {
    const existing = await this.latestJob(job.jobName);
    let name: string;
    if (existing && !isFinishedBadly(existing)) {
      // An earlier attempt's job (the worker restarted): follow it, do not start another.
      name = existing.TrainingJobName ?? job.jobName;
    } else {
      name = this.jobName(job.jobName, existing ? existing.attempt + 1 : 1);
      controls.onProgress({ stage: 'uploading', fraction: 0 });
      await this.create(name, job);
    }
    const done = await this.waitForJob(name, job, controls);
    const artifact = done.ModelArtifacts?.S3ModelArtifacts;
    if (!artifact) throw new Error(`training job ${name} completed without a model artifact`);
    const fitted = done.FinalMetricDataList?.find((m) => m.MetricName === FITTED_ROUNDS_METRIC);
    return {
      modelDir: artifact,
      validationMetrics: finalMetrics(done),
      fittedRounds: fitted?.Value === undefined ? undefined : Math.round(fitted.Value),
    };
  }

  /** Predictions of a model in S3: downloaded once into the job's folder, then the shared inference path. */
  async predict(job: PredictionJob, controls: JobControls): Promise<Predictions> {
    if (!job.modelDir.startsWith('s3://')) return predictInWorker(job, controls);
    const modelDir = path.join(job.workDir, 'model-from-s3');
    const marker = path.join(modelDir, '.ferry-source');
    const isCached = await access(marker).then(
      () => true,
      () => false,
    );
    if (!isCached) {
      controls.onProgress({ stage: 'downloading', fraction: 0 });
      await downloadModel(this.clients.s3, job.modelDir, modelDir);
      await writeFile(marker, job.modelDir);
    }
    return predictInWorker({ ...job, modelDir }, controls);
  }

  /**
   * An ensemble built on the worker: its members' model.tar.gz downloaded (as
   * evaluation downloads a model), the same build script as the local
   * backend, and the result uploaded as one model.tar.gz under the run's
   * prefix, at a key fixed by the job name, so a retry overwrites its own.
   */
  async buildEnsemble(job: EnsembleJob, controls: JobControls): Promise<{ modelDir: string }> {
    controls.onProgress({ stage: 'downloading', fraction: 0 });
    const members = [];
    for (const member of job.members) {
      if (!member.modelDir.startsWith('s3://')) {
        members.push(member);
        continue;
      }
      const folder = path.join(job.workDir, 'members', member.id);
      await downloadModel(this.clients.s3, member.modelDir, folder);
      members.push({ ...member, modelDir: folder });
    }
    const built = await buildEnsembleInWorker({ ...job, members }, controls);
    controls.onProgress({ stage: 'uploading', fraction: 0.9 });
    const { bucket, prefix } = this.settings;
    const key = runKey(prefix, job.runId, 'ensemble', sagemakerName(job.jobName), 'model.tar.gz');
    const files = await readdir(built.modelDir);
    return { modelDir: await uploadModel(this.clients.s3, built.modelDir, files, bucket, key) };
  }

  private async create(name: string, job: TrainingJob): Promise<void> {
    const { bucket, prefix } = this.settings;
    const runPrefix = (...parts: string[]) => runKey(prefix, job.runId, ...parts);
    // The prepare step has put the splits in S3 already; a folder (a direct
    // call, or data prepared before that) is uploaded under the channel set.
    const upload = (channel: 'train' | 'validation', folder: string | undefined) =>
      folder === undefined
        ? undefined
        : isStoredLocation(folder)
          ? Promise.resolve(folder)
          : this.uploadOnce(folder, bucket, runPrefix('channels', job.channelSet, channel));
    const [train, validation, sourceBundle] = await Promise.all([
      upload('train', job.channels.train) as Promise<string>,
      upload('validation', job.channels.validation),
      ensureSourceBundle(this.clients.s3, { bucket, prefix }, job.algorithm),
    ]);
    const request = trainingJobRequest(name, job, this.settings, this.region, {
      sourceBundle,
      channels: { train, validation },
      outputPath: `s3://${bucket}/${runPrefix('training')}`,
    });
    try {
      await this.clients.sagemaker.send(new CreateTrainingJobCommand(request));
    } catch (error) {
      // The SDK retried a create whose answer was lost on the way back, and
      // SageMaker refuses the name it has just taken: the job is ours, follow it.
      if (isAlreadyExists(error)) return;
      throw translateAwsError(error, 'CreateTrainingJob', name);
    }
  }

  /**
   * Jobs that start together (candidates in parallel lanes, an ensemble's
   * member refits) share one upload of a channel they have in common
   * instead of each writing the same objects at once: that is wasted
   * bandwidth on S3, and moto fails concurrent writes to one key with a 500.
   * Only uploads in flight are shared; a later job uploads again (the keys
   * are the same, so that is idempotent).
   */
  private uploadOnce(folder: string, bucket: string, keyPrefix: string): Promise<string> {
    const key = `${bucket}/${keyPrefix}`;
    const running = this.uploads.get(key);
    if (running) return running;
    const upload = uploadFolder(this.clients.s3, folder, bucket, keyPrefix).finally(() =>
      this.uploads.delete(key),
    );
    this.uploads.set(key, upload);
    return upload;
  }

  private async waitForJob(
    name: string,
    job: TrainingJob,
    controls: JobControls,
  ): Promise<DescribeTrainingJobCommandOutput> {
    let pollMs = SAGEMAKER_POLLING.firstMs;
    for (;;) {
      if (controls.signal.aborted) {
        await this.stop(name);
        controls.signal.throwIfAborted();
      }
      const described = await this.describe(name);
      if (!described) throw new Error(`training job ${name} disappeared`);
      const status = described.TrainingJobStatus;
      controls.onProgress({
        stage: `sagemaker:${described.SecondaryStatus ?? status ?? 'Unknown'}`,
        fraction: status === 'Completed' ? 1 : 0.5,
      });
      if (status === 'Completed') return described;
      if (status === 'Failed' || status === 'Stopped') {
        const reason = described.FailureReason ?? status;
        const message = `training job ${name} (${job.algorithm}) ${status.toLowerCase()}: ${reason}`;
        // train.py exits 2 on bad input; the container reports "ExitCode 2" in the reason.
        throw /exit ?code[: ]+2\b/i.test(reason) ? new JobInputError(message) : new Error(message);
      }
      await pause(pollMs, controls.signal);
      pollMs = nextPollMs(pollMs, SAGEMAKER_POLLING);
    }
  }

  private async stop(name: string): Promise<void> {
    try {
      await awsCall('StopTrainingJob', name, () =>
        this.clients.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name })),
      );
    } catch (error) {
      // The run is being cancelled either way; say what could not be stopped.
      const why = error instanceof Error ? error.message : String(error);
      throw ApplicationFailure.nonRetryable(
        `cancelled, but training job ${name} could not be stopped: ${why}; stop it in the SageMaker console`,
        FAILURE.trainingStopFailed,
      );
    }
  }

  private async describe(name: string): Promise<DescribeTrainingJobCommandOutput | undefined> {
    try {
      return await this.clients.sagemaker.send(
        new DescribeTrainingJobCommand({ TrainingJobName: name }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateAwsError(error, 'DescribeTrainingJob', name);
    }
  }

  /** The newest job of this candidate (base name, then -2, -3, ...), with its attempt number. */
  private async latestJob(
    base: string,
  ): Promise<(DescribeTrainingJobCommandOutput & { attempt: number }) | undefined> {
    let latest: (DescribeTrainingJobCommandOutput & { attempt: number }) | undefined;
    for (let attempt = 1; attempt <= MAX_JOB_ATTEMPTS; attempt++) {
      const described = await this.describe(this.jobName(base, attempt));
      if (!described) return latest;
      latest = { ...described, attempt };
    }
    throw ApplicationFailure.nonRetryable(
      `training ${base} has failed ${MAX_JOB_ATTEMPTS} times; read the jobs' logs in CloudWatch`,
      FAILURE.trainingInput,
    );
  }

  private jobName(base: string, attempt: number): string {
    return attempt === 1 ? sagemakerName(base) : sagemakerName(base, String(attempt));
  }
}

function isFinishedBadly(job: DescribeTrainingJobCommandOutput): boolean {
  return job.TrainingJobStatus === 'Failed' || job.TrainingJobStatus === 'Stopped';
}

/** `validation:roc_auc` → `roc_auc`, from what the metric definitions matched in the job's log. */
function finalMetrics(job: DescribeTrainingJobCommandOutput): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const metric of job.FinalMetricDataList ?? []) {
    const name = metric.MetricName ?? '';
    if (name.startsWith('validation:') && metric.Value !== undefined)
      metrics[name.slice('validation:'.length)] = metric.Value;
  }
  return metrics;
}
