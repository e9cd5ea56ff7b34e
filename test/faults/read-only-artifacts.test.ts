import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { openRegistry } from '../../src/backends/compose-backends';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { penguinsOneModel } from '../fixtures/pipelines';
import { cleanUpHome, rootCause, runFailure, shortId } from './fault-kit';
import { startRun } from './run-probe';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
  expect(await cleanUpHome(harness.home)).toEqual([]);
});

/**
 * Makes `dir` refuse every write, for root too (the tests run as root, and
 * chmod does not stop root). Preferred: a read-only tmpfs mounted on it,
 * which fails writes with EROFS exactly as a disk remounted read-only does.
 * Where mounting is not allowed (an unprivileged container), a plain file
 * stands where the directory must be, and creating anything under it fails
 * with ENOTDIR. Returns how it was done and how to undo it.
 */
function refuseWrites(dir: string): { how: 'read-only mount' | 'file in the way'; undo(): void } {
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'ferry-fault-ro', dir], {
    encoding: 'utf8',
  });
  if (mounted.status === 0) {
    return {
      how: 'read-only mount',
      undo: () => {
        const unmounted = spawnSync('umount', [dir], { encoding: 'utf8' });
        if (unmounted.status !== 0) throw new Error(`umount ${dir}: ${unmounted.stderr}`);
      },
    };
  }
  spawnSync('rmdir', [dir]);
  writeFileSync(dir, 'not a directory: the fault test stands in the way of the artifact store\n');
  return { how: 'file in the way', undo: () => undefined };
}

describe('an artifact store that refuses writes', () => {
  const group = `readonly-${shortId()}`;
  let artifacts: string;
  let runId: string;
  let cause: Error & { type?: string; nonRetryable?: boolean };

  // One failing run, read by both tests below.
  beforeAll(async () => {
    artifacts = path.join(harness.home, 'artifacts');
    const refusal = refuseWrites(artifacts);
    // Which of the two ways was used shows in the log of a failed run.
    process.stdout.write(`artifact store made unwritable by: ${refusal.how}\n`);
    try {
      const handle = await startRun(
        harness.client,
        harness,
        `ferry-fault-readonly-${shortId()}`,
        pipelineSchema.parse(penguinsOneModel(group)),
      );
      runId = handle.workflowId;
      const failure = await runFailure(handle);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      cause = rootCause(failure);
    } finally {
      refusal.undo();
    }
  }, 180_000);

  test('fails the run at its first write, naming the path, with nothing registered', async () => {
    expect(cause.message).toContain(path.join(artifacts, runId));
    expect(await openRegistry('local', harness.home).listVersions(group)).toEqual([]);
    // Once the fault is gone, the store holds nothing of the run either.
    expect(existsSync(path.join(artifacts, runId))).toBe(false);
  });

  // Node 20's recursive mkdir reports ENOENT on a read-only disk (nodejs/node#47098);
  // src/shared/make-directory.ts finds the real cause, and the activity does not retry it.
  test('says the store refuses writes and how to fix it, without retrying', () => {
    expect(cause.type).toBe('ArtifactStoreError');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toMatch(/refuses writes|read-only|not a directory/i);
    expect(cause.message).toMatch(/FERRY_HOME|make .* writable/);
  });
});
