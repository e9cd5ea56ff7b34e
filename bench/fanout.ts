import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipelineSchema, type PipelineConfig } from '../src/config/pipeline-schema';
import { algorithmDir, COMMON_DIR, PYTHON, pythonEnv } from '../src/backends/local/python-paths';
import { installWorkerLogging } from '../src/temporal/worker-logging';
import { generateCandidates } from '../src/workflows/candidate-generator';
import type { trainingPipeline } from '../src/workflows/pipeline';
import { waitForStage } from '../src/temporal/run-control';
import { rejectUpdate } from '../src/workflows/definitions';
import { benchWorker, progress } from './bench-server';
import { churnDataset } from '../test/fixtures/pipelines';

/**
 * fanout (DESIGN.md §7): a run of N candidates on wa_churn, end to end through
 * Temporal, against the floor: the same trainings and predictions in one
 * plain Python loop, measured in the same process run. Ratio = run / floor.
 */
export async function fanout(args: string[]): Promise<unknown> {
  const sizes = args.length > 0 ? args.map(Number) : [8, 32];
  installWorkerLogging();
  const worker = await benchWorker('fanout');
  const { client, taskQueue, home } = worker;
  const results = [];
  try {
    for (const count of sizes) {
      const config = benchConfig(count);
      const runId = `ferry-bench-${count}-${randomBytes(3).toString('hex')}`;
      progress(`N=${count}: running the pipeline...`);
      const started = performance.now();
      const handle = await client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
        taskQueue,
        workflowId: runId,
        args: [{ config, startedBy: 'bench' }],
      });
      // Timed up to the human decision: data, candidates, selection, registration.
      await waitForStage(handle, ['awaiting-approval']);
      const wallSeconds = (performance.now() - started) / 1000;
      progress(`N=${count}: ${wallSeconds.toFixed(1)} s; running the floor...`);
      // Rejected, not approved: deploying is not what this measures, and it ends the run sooner.
      await handle.executeUpdate(rejectUpdate, {
        args: [{ approver: 'bench-approver', message: 'benchmark run' }],
      });
      const result = await handle.result();
      const floorSeconds = runFloor(config, path.join(home, 'artifacts', runId));
      results.push({
        candidates: count,
        succeeded: result.candidates.filter((c) => c.state === 'succeeded').length,
        wallSeconds: round(wallSeconds),
        floorSeconds: round(floorSeconds),
        ratio: round(wallSeconds / floorSeconds),
        candidatesPerMinute: round((count / wallSeconds) * 60),
      });
    }
  } finally {
    await worker.stop();
  }
  return {
    benchmark: 'fanout',
    cpus: os.availableParallelism(),
    maxParallel: 2,
    dataset: 'wa_churn',
    warmPython: process.env.FERRY_WARM_PYTHON !== '0',
    results,
  };
}

function benchConfig(count: number): PipelineConfig {
  return pipelineSchema.parse({
    name: 'bench',
    dataset: churnDataset(),
    candidates: {
      count,
      maxParallel: Number(process.env.BENCH_MAX_PARALLEL ?? 2),
      seed: 3,
      algorithms: [
        { name: 'linear', hyperparameters: { C: { low: 0.01, high: 10, log: true } } },
        {
          name: 'xgboost',
          hyperparameters: {
            num_round: 50,
            max_depth: { low: 2, high: 5 },
            eta: { low: 0.05, high: 0.3 },
          },
        },
        {
          name: 'hist-gradient-boosting',
          hyperparameters: { max_iter: 50, learning_rate: { low: 0.05, high: 0.2 } },
        },
        {
          name: 'random-forest',
          hyperparameters: { n_estimators: 50, max_depth: { low: 4, high: 10 } },
        },
      ],
    },
    objective: 'roc_auc',
    modelGroup: 'bench',
    approval: { approvers: ['bench-approver'] },
    // Each size runs into the same group; the champion gate is not what this measures.
    gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
    loadTest: { phases: [{ durationSeconds: 1, ratePerSecond: 1 }], slo: { latencyP99Ms: 100 } },
  });
}

/** The same candidates' trainings and test predictions, in one Python process, on the run's own splits. */
function runFloor(config: PipelineConfig, runDir: string): number {
  const data = path.join(runDir, 'data');
  const floorDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-floor-'));
  const jobs = generateCandidates(config.candidates).flatMap((candidate) => {
    const workDir = path.join(floorDir, candidate.id);
    const modelDir = path.join(workDir, 'model');
    const hyperparameters = Object.entries(candidate.hyperparameters).flatMap(([name, value]) => [
      `--${name}`,
      String(value),
    ]);
    return [
      {
        script: path.join(algorithmDir(candidate.algorithm), 'train.py'),
        argv: [
          '--target',
          'churn',
          '--task',
          'binary',
          '--positive_class',
          'Yes',
          '--seed',
          String(candidate.seed),
          ...hyperparameters,
        ],
        env: {
          SM_CHANNEL_TRAIN: path.join(data, 'train'),
          SM_CHANNEL_VALIDATION: path.join(data, 'validation'),
          SM_MODEL_DIR: modelDir,
          SM_OUTPUT_DATA_DIR: path.join(workDir, 'output'),
          SM_NUM_CPUS: String(os.availableParallelism()),
        },
        cwd: algorithmDir(candidate.algorithm),
      },
      {
        script: path.join(COMMON_DIR, 'batch_predict.py'),
        argv: [
          '--algorithm-dir',
          algorithmDir(candidate.algorithm),
          '--model-dir',
          modelDir,
          '--input',
          path.join(data, 'test', 'test.csv'),
          '--output',
          path.join(workDir, 'predictions.json'),
        ],
        env: {},
        cwd: floorDir,
      },
    ];
  });
  const outcome = spawnSync(PYTHON, [path.join(__dirname, 'floor_loop.py')], {
    input: JSON.stringify(jobs),
    env: { ...process.env, ...pythonEnv({}) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (outcome.status !== 0)
    throw new Error(`the floor loop failed: ${outcome.stderr.slice(-2000)}`);
  const lastLine = outcome.stdout.trim().split('\n').pop() ?? '{}';
  return (JSON.parse(lastLine) as { seconds: number }).seconds;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
