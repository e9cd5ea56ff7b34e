import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { stopHost } from '../src/backends/local/hosting/ensure-host';
import { LocalHostingClient } from '../src/backends/local/hosting/hosting-client';
import { openRegistry } from '../src/backends/compose-backends';
import { pipelineSchema } from '../src/config/pipeline-schema';
import { approveWhenWaiting } from '../src/temporal/run-control';
import { pipelineInput } from '../src/temporal/start-run';
import type { trainingPipeline } from '../src/workflows/pipeline';
import { benchPerson } from './bench-people';
import { benchServer, machine, progress } from './bench-server';
import { churnDataset } from '../test/fixtures/pipelines';

const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * recovery (DESIGN.md §7): a worker process is killed (SIGKILL) while
 * candidates train, and a new one started. Figures: seconds from the restart
 * to the run moving again (a training attempt starts or finishes), and the
 * duplicate resources the run made by the end (trainings completed twice,
 * model versions, endpoints, deployments): all must be 0.
 */
export async function recovery(): Promise<unknown> {
  const server = await benchServer();
  const home = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-recovery-'));
  const group = `recovery-${randomBytes(3).toString('hex')}`;
  const env = {
    TEMPORAL_ADDRESS: server.address,
    FERRY_HOME: home,
    FERRY_TASK_QUEUE: `ferry-bench-${randomBytes(4).toString('hex')}`,
  };
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const runId = `ferry-recovery-${randomBytes(4).toString('hex')}`;
  const candidatesDir = path.join(home, 'artifacts', runId, 'candidates');
  let worker: ChildProcess | undefined = startWorker(env);
  try {
    const handle = await client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
      taskQueue: env.FERRY_TASK_QUEUE,
      workflowId: runId,
      args: [await pipelineInput(await benchPerson(home, 'bench'), runId, benchConfig(group))],
    });
    await waitUntil(() => trainingsInProgress(candidatesDir) > 0, 120_000);
    const before = attemptLines(candidatesDir);
    progress(`killing the worker with ${trainingsInProgress(candidatesDir)} training(s) running`);
    worker.kill('SIGKILL');
    const restartedAt = Date.now();
    worker = startWorker(env);
    await waitUntil(() => attemptLines(candidatesDir) > before, 120_000);
    const movingAfterMs = Date.now() - restartedAt;
    progress(`moving again after ${(movingAfterMs / 1000).toFixed(1)} s; finishing the run...`);
    const result = await approveWhenWaiting(
      handle,
      await benchPerson(home, 'bench-approver'),
      'benchmark',
    );

    const versions = await openRegistry('local', home).listVersions(group);
    const endpoints = (await new LocalHostingClient(home).list()).filter((e) => e.name === group);
    const deployed = versions.flatMap((v) => v.deployments).filter((d) => d.action === 'deployed');
    const duplicates = {
      trainingsCompletedTwice: candidates(candidatesDir).filter(
        (c) => lines(path.join(candidatesDir, c, 'completions.log')) > 1,
      ).length,
      modelVersions: Math.max(0, versions.length - 1),
      endpoints: Math.max(0, endpoints.length - 1),
      deployments: Math.max(0, deployed.length - 1),
    };
    return {
      benchmark: 'recovery',
      machine: machine(),
      inputs: {
        candidates: 4,
        maxParallel: 2,
        algorithm: 'random-forest',
        kill: 'SIGKILL mid-training',
      },
      outcome: result.outcome,
      figures: {
        secondsFromRestartToMoving: Math.round(movingAfterMs / 100) / 10,
        // The killed attempt holds its activity until its heartbeat times out.
        trainingHeartbeatTimeoutSeconds: 20,
        duplicates,
      },
      goal: { duplicates: 0, met: Object.values(duplicates).every((count) => count === 0) },
    };
  } finally {
    worker?.kill('SIGTERM');
    await stopHost(home);
    await connection.close();
    await server.stop();
  }
}

function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['-r', 'tsx/cjs', path.join(PROJECT_ROOT, 'src', 'worker.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function benchConfig(group: string) {
  return pipelineSchema.parse({
    name: 'recovery',
    dataset: churnDataset(),
    candidates: {
      count: 4,
      maxParallel: 2,
      algorithms: [
        { name: 'random-forest', hyperparameters: { n_estimators: [150, 200], max_depth: 12 } },
      ],
    },
    objective: 'roc_auc',
    gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
    modelGroup: group,
    approval: { approvers: ['bench-approver'] },
    loadTest: { phases: [{ durationSeconds: 3, ratePerSecond: 5 }], slo: { latencyP99Ms: 3000 } },
  });
}

function candidates(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

function lines(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

function attemptLines(dir: string): number {
  return candidates(dir).reduce((sum, c) => sum + lines(path.join(dir, c, 'attempts.log')), 0);
}

function trainingsInProgress(dir: string): number {
  return candidates(dir).filter(
    (c) => lines(path.join(dir, c, 'attempts.log')) > lines(path.join(dir, c, 'completions.log')),
  ).length;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
