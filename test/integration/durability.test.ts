import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { stopHost } from '../../src/backends/local/hosting/ensure-host';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { summaryQuery, type PipelineResult } from '../../src/workflows/definitions';
import { person, startRunAs } from '../fixtures/people';
import { churnDataset, validPipeline } from '../fixtures/pipelines';
import { testServerAddress } from '../fixtures/temporal';
import { approveWhenWaiting } from '../../src/temporal/run-control';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** A worker in its own process, so the test can kill it as a crash would. */
function startWorkerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['-r', 'tsx/cjs', path.join(PROJECT_ROOT, 'src', 'worker.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

const lines = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];

describe('durability', () => {
  test('a worker killed mid-training is replaced and every candidate trains to completion exactly once', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ferry-durable-'));
    const env = {
      TEMPORAL_ADDRESS: testServerAddress(),
      FERRY_HOME: home,
      FERRY_TASK_QUEUE: `ferry-durable-${randomBytes(4).toString('hex')}`,
    };
    const connection = await Connection.connect({ address: testServerAddress() });
    const client = new Client({ connection });
    const config = pipelineSchema.parse({
      ...validPipeline(),
      dataset: churnDataset(),
      candidates: {
        count: 4,
        maxParallel: 2,
        algorithms: [
          { name: 'random-forest', hyperparameters: { n_estimators: [150, 200], max_depth: 12 } },
        ],
      },
      gates: { thresholds: [] },
    });
    const runId = `ferry-durable-${randomBytes(4).toString('hex')}`;
    const candidatesDir = path.join(home, 'artifacts', runId, 'candidates');

    let first: ChildProcess | undefined = startWorkerProcess(env);
    let second: ChildProcess | undefined;
    try {
      const handle = await startRunAs(client, await person(home, 'tester'), {
        taskQueue: env.FERRY_TASK_QUEUE,
        workflowId: runId,
        config,
      });
      // Wait until a training has started and not finished, then crash the worker.
      for (let i = 0; i < 600; i++) {
        const started = existsSync(candidatesDir)
          ? readdirSync(candidatesDir).filter(
              (c) => lines(path.join(candidatesDir, c, 'attempts.log')).length > 0,
            )
          : [];
        if (started.some((c) => lines(path.join(candidatesDir, c, 'completions.log')).length === 0))
          break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Read what was cut short once the worker is gone: a training that ends
      // between this read and the kill would otherwise count as interrupted.
      const exited = once(first, 'exit');
      first.kill('SIGKILL');
      await exited;
      first = undefined;
      const interrupted = readdirSync(candidatesDir).filter(
        (c) =>
          lines(path.join(candidatesDir, c, 'attempts.log')).length > 0 &&
          lines(path.join(candidatesDir, c, 'completions.log')).length === 0,
      );

      second = startWorkerProcess(env);
      expect((await handle.query(summaryQuery)).stage).toBe('training');
      const result: PipelineResult = await approveWhenWaiting(handle, await person(home, 'alice'));

      expect(result.outcome).toBe('deployed');
      expect(result.candidates.map((c) => c.state)).toEqual([
        'succeeded',
        'succeeded',
        'succeeded',
        'succeeded',
      ]);
      // Every candidate, and the refit of the chosen one on train + validation.
      const candidates = readdirSync(candidatesDir).sort();
      expect(candidates).toEqual(
        ['c01', 'c02', 'c03', 'c04', `${result.winner?.id ?? '?'}-refit`].sort(),
      );
      for (const candidate of candidates) {
        expect({
          candidate,
          completions: lines(path.join(candidatesDir, candidate, 'completions.log')).length,
        }).toEqual({ candidate, completions: 1 });
        expect(existsSync(path.join(candidatesDir, candidate, 'model', 'model.joblib'))).toBe(true);
      }
      // The training that the crash cut short was started again by the new worker.
      expect(interrupted.length).toBeGreaterThan(0);
      for (const candidate of interrupted) {
        expect(
          lines(path.join(candidatesDir, candidate, 'attempts.log')).length,
        ).toBeGreaterThanOrEqual(2);
      }
    } finally {
      first?.kill('SIGKILL');
      second?.kill('SIGTERM');
      // The endpoint host outlives workers by design; it goes with the test.
      await stopHost(home);
      await connection.close();
    }
  });
});
