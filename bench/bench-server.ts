import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { PipelineConfig } from '../src/config/pipeline-schema';
import { stopHost } from '../src/backends/local/hosting/ensure-host';
import { startDevServer } from '../src/temporal/dev-server';
import { startLocalWorker } from '../src/temporal/local-worker';
import { pipelineInput } from '../src/temporal/start-run';
import type { FerryWorkerOptions } from '../src/worker';
import type { trainingPipeline } from '../src/workflows/pipeline';
import { benchPerson } from './bench-people';

/** TEMPORAL_ADDRESS when set, else a throwaway dev server for this benchmark. */
export async function benchServer(): Promise<{ address: string; stop(): Promise<void> }> {
  if (process.env.TEMPORAL_ADDRESS)
    return { address: process.env.TEMPORAL_ADDRESS, stop: () => Promise.resolve() };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-'));
  const server = await startDevServer({
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'server.log'),
    isUiEnabled: false,
  });
  return { address: server.address, stop: () => server.stop() };
}

/** Figures in the JSON keep two decimals. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** What every benchmark reports about where it ran, since absolute figures depend on it. */
export function machine(): {
  cpus: number;
  memoryGiB: number;
  node: string;
  loadAverage1m: number;
} {
  return {
    cpus: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    // Taken when the benchmark ends: a load well above `cpus` means others'
    // work shared the machine, and the absolute figures are slower for it.
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

export interface BenchWorker {
  address: string;
  client: Client;
  taskQueue: string;
  home: string;
  /** Stops the worker, the endpoint host it started and the server. */
  stop(): Promise<void>;
}

/** A server (see benchServer), a fresh Ferry home, and a worker on its own task queue. */
export async function benchWorker(
  name: string,
  taskQueue = `ferry-bench-${randomBytes(4).toString('hex')}`,
  awsClients?: FerryWorkerOptions['awsClients'],
): Promise<BenchWorker> {
  const server = await benchServer();
  const home = mkdtempSync(path.join(os.tmpdir(), `ferry-bench-${name}-`));
  const worker = await startLocalWorker({
    address: server.address,
    taskQueue,
    home,
    isHostTiedToWorker: true,
    awsClients,
    // Its people are vouched for by this home's own issuers (bench/bench-people.ts).
    identityEnv: {},
  });
  return {
    address: server.address,
    client: worker.client,
    taskQueue,
    home,
    async stop() {
      await worker.stop();
      await stopHost(home);
      await server.stop();
    },
  };
}

/** Starts a pipeline run on the bench worker's task queue, started by 'bench'. */
export async function startBenchRun(
  worker: Pick<BenchWorker, 'client' | 'taskQueue' | 'home'>,
  workflowId: string,
  config: PipelineConfig,
): Promise<WorkflowHandle<typeof trainingPipeline>> {
  const starter = await benchPerson(worker.home, 'bench');
  return worker.client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
    taskQueue: worker.taskQueue,
    workflowId,
    args: [await pipelineInput(starter, workflowId, config)],
  });
}
