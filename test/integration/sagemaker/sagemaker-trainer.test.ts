import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ListTrainingJobsCommand } from '@aws-sdk/client-sagemaker';
import { createAwsClients } from '../../../src/backends/sagemaker/aws-clients';
import { SageMakerTrainer } from '../../../src/backends/sagemaker/sagemaker-trainer';
import type { SageMakerSettings } from '../../../src/backends/sagemaker-settings';
import { JobInputError, type TrainingJob } from '../../../src/backends/trainer';
import { trainPenguinsModel, type TrainedPenguins } from '../../fixtures/trained-model';
import { loseAnswerThenRefuseDuplicate } from '../../fixtures/sagemaker-middleware';
import {
  attachTrainingContainerStandIn,
  type TrainingContainerStandIn,
} from '../../fixtures/training-container-stand-in';

const settings: SageMakerSettings = {
  roleArn: 'arn:aws:iam::123456789012:role/FerryTraining',
  bucket: `ferry-trainer-${process.pid}`,
  prefix: 'ferry',
  trainingInstanceType: 'ml.m5.large',
  images: {},
  endpointInstanceType: 'ml.m5.large',
};

const quietControls = () => ({ signal: new AbortController().signal, onProgress: () => undefined });

// moto holds the jobs and the objects; the stand-in runs train.py where the
// framework container would (see its comment).
describe('SageMakerTrainer against moto', () => {
  const clients = createAwsClients('us-east-1');
  let standIn: TrainingContainerStandIn;
  let trainer: SageMakerTrainer;
  let workDir: string;
  let local: TrainedPenguins;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ferry-sm-trainer-'));
    local = await trainPenguinsModel(workDir);
    await clients.s3.send(new CreateBucketCommand({ Bucket: settings.bucket }));
    standIn = attachTrainingContainerStandIn(clients.sagemaker, clients.s3, {
      resumesJobsItDidNotStart: true,
    });
    trainer = new SageMakerTrainer(clients, settings, 'us-east-1');
  });

  afterAll(async () => {
    await standIn.close();
    await rm(workDir, { recursive: true, force: true });
    clients.sagemaker.destroy();
    clients.s3.destroy();
  });

  function job(name: string, overrides: Partial<TrainingJob> = {}): TrainingJob {
    return {
      jobName: name,
      runId: `run-${process.pid}`,
      algorithm: 'linear',
      task: 'multiclass',
      target: 'species',
      hyperparameters: { C: 1 },
      seed: 0,
      channels: {
        train: local.prepared.channels.train,
        validation: local.prepared.channels.validation,
      },
      channelSet: 'holdout',
      workDir: path.join(workDir, name),
      threads: 1,
      ...overrides,
    };
  }

  async function jobsNamed(prefix: string): Promise<string[]> {
    const listed = await clients.sagemaker.send(
      new ListTrainingJobsCommand({ NameContains: prefix }),
    );
    return (listed.TrainingJobSummaries ?? []).map((summary) => summary.TrainingJobName ?? '');
  }

  it('trains through a training job and predicts like the same script run locally', async () => {
    const name = `penguins-${process.pid}-c01`;
    const trained = await trainer.train(job(name), quietControls());
    expect(trained.modelDir).toBe(
      `s3://${settings.bucket}/ferry/runs/run-${process.pid}/training/${name}/output/model.tar.gz`,
    );
    // The metric definitions matched train.py's lines, as SageMaker would report them.
    expect(trained.validationMetrics.accuracy).toBeGreaterThan(0.8);

    const testFile = path.join(local.prepared.channels.test, 'test.csv');
    const remote = await trainer.predict(
      {
        jobName: `${name}-eval`,
        algorithm: 'linear',
        modelDir: trained.modelDir,
        inputFile: testFile,
        workDir: path.join(workDir, `${name}-eval`),
      },
      quietControls(),
    );
    const same = await local.trainer.predict(
      {
        jobName: 'local-eval',
        algorithm: 'linear',
        modelDir: local.modelDir,
        inputFile: testFile,
        workDir: path.join(workDir, 'local-eval'),
      },
      quietControls(),
    );
    // Two trainings of one script on one split: the same model, up to the last
    // bits of floating point (a multithreaded BLAS sums in a varying order).
    if (!('probabilities' in remote) || !('probabilities' in same)) {
      throw new Error('a classifier predicts probabilities');
    }
    expect(remote.labels).toEqual(same.labels);
    expect(remote.classes).toEqual(same.classes);
    expect(remote.probabilities.length).toBe(same.probabilities.length);
    remote.probabilities.forEach((row, i) =>
      row.forEach((p, j) => expect(p).toBeCloseTo(same.probabilities[i]?.[j] ?? NaN, 9)),
    );
  });

  it('follows the job an earlier attempt started instead of starting another', async () => {
    const name = `penguins-${process.pid}-c02`;
    const first = await trainer.train(job(name), quietControls());
    const retried = await trainer.train(job(name), quietControls());
    expect(retried.modelDir).toBe(first.modelDir);
    expect(await jobsNamed(name)).toEqual([name]);
  });

  it('follows its job when the create was answered "already exists" (the SDK retried a create whose answer was lost)', async () => {
    const name = `penguins-${process.pid}-c05`;
    const lost = loseAnswerThenRefuseDuplicate(
      clients.sagemaker,
      'CreateTrainingJob',
      `Training job names must be unique within an AWS account and region, and a training job with this name already exists (arn:aws:sagemaker:us-east-1:123456789012:training-job/${name})`,
    );
    try {
      const trained = await trainer.train(job(name), quietControls());
      expect(lost.answered).toBe(1);
      expect(trained.validationMetrics.accuracy).toBeGreaterThan(0.8);
      expect(await jobsNamed(name)).toEqual([name]);
    } finally {
      lost.remove();
    }
  });

  it('reports a script that refuses its input as bad input, and a retry starts a new job', async () => {
    const name = `penguins-${process.pid}-c03`;
    // --alpha is for regression only: train.py exits 2 naming the fix.
    const bad = job(name, { hyperparameters: { alpha: 1 } });
    const error = await trainer.train(bad, quietControls()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobInputError);
    expect((error as Error).message).toContain(`training job ${name} (linear) failed`);
    expect((error as Error).message).toContain('ExitCode 2');

    await trainer.train(job(name), quietControls());
    expect((await jobsNamed(name)).sort()).toEqual([name, `${name}-2`]);
  });

  it('stops the training job when the activity is cancelled', async () => {
    const name = `penguins-${process.pid}-c04`;
    const controller = new AbortController();
    const training = trainer.train(
      job(name, { algorithm: 'random-forest', hyperparameters: { n_estimators: 400 } }),
      {
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.stage === 'sagemaker:Training') controller.abort();
        },
      },
    );
    await expect(training).rejects.toThrow();
    expect(standIn.stopped).toEqual([name]);
    expect(standIn.jobs.get(name)?.state).toBe('Stopped');
  });
});
