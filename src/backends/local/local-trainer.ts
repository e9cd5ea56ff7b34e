import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  JobInputError,
  type JobControls,
  type PredictionJob,
  type Predictions,
  type Trainer,
  type TrainingJob,
  type TrainingOutcome,
} from '../trainer';
import { algorithmDir, COMMON_DIR } from './python-paths';
import { runScript, type ScriptRun } from './run-script';
import { lastErrorLine, parseMetric, parseProgress } from './script-output';
import { makeDirectory } from '../../shared/make-directory';

/** Exit code the scripts use for "bad input" (algorithms/README.md). */
const EXIT_BAD_INPUT = 2;

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
    const run = await runScript(
      {
        script: path.join(algorithmDir(job.algorithm), 'train.py'),
        argv: trainingArguments(job),
        env: {
          SM_CHANNEL_TRAIN: job.channels.train,
          SM_CHANNEL_VALIDATION: job.channels.validation,
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
      },
    );
    throwIfFailed(run, `training ${job.jobName} (${job.algorithm})`, log);
    return { modelDir, validationMetrics: metrics };
  }

  async predict(job: PredictionJob, controls: JobControls): Promise<Predictions> {
    const output = path.join(job.workDir, 'predictions.json');
    const log = path.join(job.workDir, 'predict.log');
    await makeDirectory(job.workDir);
    await writeFile(log, '');
    const run = await runScript(
      {
        script: path.join(COMMON_DIR, 'batch_predict.py'),
        argv: [
          '--algorithm-dir',
          algorithmDir(job.algorithm),
          '--model-dir',
          job.modelDir,
          '--input',
          job.inputFile,
          '--output',
          output,
        ],
        env: {},
        cwd: job.workDir,
        log,
      },
      controls.signal,
      (line) => {
        const progress = parseProgress(line);
        if (progress) controls.onProgress(progress);
      },
    );
    throwIfFailed(run, `predictions of ${job.jobName} (${job.algorithm})`, log);
    return JSON.parse(await readFile(output, 'utf8')) as Predictions;
  }
}

function trainingArguments(job: TrainingJob): string[] {
  const args = ['--target', job.target, '--task', job.task, '--seed', String(job.seed)];
  if (job.positiveClass !== undefined) args.push('--positive_class', job.positiveClass);
  for (const [name, value] of Object.entries(job.hyperparameters))
    args.push(`--${name}`, String(value));
  return args;
}

function throwIfFailed(run: ScriptRun, what: string, log: string): void {
  if (run.exitCode === 0) return;
  const message = `${what} failed (exit ${run.exitCode}): ${lastErrorLine(run.tail)} (log: ${log})`;
  throw run.exitCode === EXIT_BAD_INPUT ? new JobInputError(message) : new Error(message);
}
