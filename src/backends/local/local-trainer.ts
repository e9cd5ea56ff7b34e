import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  EnsembleJob,
  JobControls,
  PredictionJob,
  Predictions,
  Trainer,
  TrainingJob,
  TrainingOutcome,
} from '../trainer';
import { predictInWorker } from '../../python/batch-predict';
import { buildEnsembleInWorker } from '../../python/build-ensemble';
import { algorithmDir } from '../../python/python-paths';
import { runScript } from '../../python/run-script';
import { throwIfScriptFailed } from '../../python/script-failure';
import { parseFittedRounds, parseMetric, parseProgress } from '../../python/script-output';
import { makeDirectory } from '../../shared/make-directory';

/**
 * The local backend's trainer: the algorithm's train.py under SageMaker's
 * script-mode contract (channels, model and output folders in SM_*
 * variables, hyperparameters as `--name value`), and batch predictions
 * through its inference functions.
 */
export class LocalTrainer implements Trainer {
  async train(job: TrainingJob, controls: JobControls): Promise<TrainingOutcome> {
    const modelDir = path.join(job.workDir, 'model');
    const outputDir = path.join(job.workDir, 'output');
    // A retried attempt starts clean: a half-written model from a killed attempt must not survive.
    await rm(modelDir, { recursive: true, force: true });
    await Promise.all([makeDirectory(modelDir), makeDirectory(outputDir)]);
    const log = path.join(job.workDir, 'train.log');
    await writeFile(log, '');

    const metrics: Record<string, number> = {};
    let fittedRounds: number | undefined;
    const run = await runScript(
      {
        script: path.join(algorithmDir(job.algorithm), 'train.py'),
        argv: trainingArguments(job),
        env: {
          SM_CHANNEL_TRAIN: job.channels.train,
          ...(job.channels.validation ? { SM_CHANNEL_VALIDATION: job.channels.validation } : {}),
          SM_MODEL_DIR: modelDir,
          SM_OUTPUT_DATA_DIR: outputDir,
          SM_NUM_CPUS: String(job.threads),
          SM_HPS: JSON.stringify(job.hyperparameters),
          SM_TRAINING_JOB_NAME: job.jobName,
        },
        cwd: algorithmDir(job.algorithm),
        log,
        pidFile: path.join(job.workDir, 'train.pid'),
      },
      controls.signal,
      (line) => {
        const progress = parseProgress(line);
        if (progress) controls.onProgress(progress);
        const metric = parseMetric(line);
        if (metric) metrics[metric[0]] = metric[1];
        fittedRounds = parseFittedRounds(line) ?? fittedRounds;
      },
    );
    throwIfScriptFailed(run, `training ${job.jobName} (${job.algorithm})`, log);
    return { modelDir, validationMetrics: metrics, fittedRounds };
  }

  /** The shared path (src/python/batch-predict.ts), which the SageMaker backend's evaluation also takes. */
  predict(job: PredictionJob, controls: JobControls): Promise<Predictions> {
    return predictInWorker(job, controls);
  }

  /** The members' folders are on this machine: the model is built beside them, in the job's folder. */
  buildEnsemble(job: EnsembleJob, controls: JobControls): Promise<{ modelDir: string }> {
    return buildEnsembleInWorker(job, controls);
  }
}

function trainingArguments(job: TrainingJob): string[] {
  const args = ['--target', job.target, '--task', job.task, '--seed', String(job.seed)];
  if (job.positiveClass !== undefined) args.push('--positive_class', job.positiveClass);
  for (const [name, value] of Object.entries(job.hyperparameters))
    args.push(`--${name}`, String(value));
  return args;
}
