import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { openRegistry } from '../../src/backends/compose-backends';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { isProcessAlive } from '../../src/shared/process-group';
import { waitForStage } from '../../src/temporal/run-control';
import type { PipelineResult } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { churnDataset, validPipeline } from '../fixtures/pipelines';
import { cleanUpHome, lines, rootCause, runFailure, shortId, waitUntil } from './fault-kit';
import { decideAsAlice, startRun } from './run-probe';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
  // Every training process the kills left behind, and the warm runner, end with the worker.
  expect(await cleanUpHome(harness.home)).toEqual([]);
});

// The candidate workflow's retry policy for trainCandidate (src/workflows/candidate.ts).
const TRAINING_ATTEMPTS = 3;

/** A random forest big enough (seconds on 2 cores) to be caught training, then maybe a fast linear model. */
function killablePipeline(group: string, algorithms: string[]) {
  const catalog: Record<string, unknown> = {
    'random-forest': {
      name: 'random-forest',
      hyperparameters: { n_estimators: 400, max_depth: 12 },
    },
    linear: { name: 'linear', hyperparameters: { C: 1 } },
  };
  return pipelineSchema.parse({
    ...validPipeline(),
    dataset: churnDataset(),
    // One at a time, so c01 (the first algorithm) trains alone and its kills are the only ones.
    candidates: {
      count: algorithms.length,
      maxParallel: 1,
      algorithms: algorithms.map((name) => catalog[name]),
    },
    gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
    modelGroup: group,
  });
}

/**
 * Kills c01's training process with SIGKILL (as the kernel's OOM killer
 * would) on every attempt the activity makes: waits for each new pid in its
 * train.pid, then kills that one process, not its worker.
 */
async function killEveryTrainingOf(runId: string, attempts: number): Promise<number[]> {
  const dir = path.join(harness.home, 'artifacts', runId, 'candidates', 'c01');
  const killed: number[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const pid = await waitUntil(
      `attempt ${attempt} of c01's training started`,
      () => {
        if (lines(path.join(dir, 'attempts.log')).length < attempt) return undefined;
        const file = path.join(dir, 'train.pid');
        const recorded = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
        return recorded > 0 && !killed.includes(recorded) && isProcessAlive(recorded)
          ? recorded
          : undefined;
      },
      120_000,
      50,
    );
    process.kill(pid, 'SIGKILL');
    killed.push(pid);
  }
  return killed;
}

describe('a training process killed by a signal', () => {
  test('is retried per the policy, then its candidate is recorded as failed and the run goes on with the others', async () => {
    const group = `trainkill-${shortId()}`;
    const runId = `ferry-fault-trainkill-${shortId()}`;
    const handle = await startRun(
      harness.client,
      harness,
      runId,
      killablePipeline(group, ['random-forest', 'linear']),
    );
    const killed = await killEveryTrainingOf(runId, TRAINING_ATTEMPTS);
    expect(new Set(killed).size).toBe(TRAINING_ATTEMPTS);

    // The run does not fail: it selects the survivor and waits for a human.
    expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
    await decideAsAlice(handle, harness.home, 'reject', 'fault test: stop here');
    const result: PipelineResult = await handle.result();
    expect(result.outcome).toBe('rejected');
    expect(result.candidates).toEqual([
      expect.objectContaining({
        id: 'c01',
        state: 'failed',
        error: expect.stringMatching(/exit -9|SIGKILL|signal 9/) as string,
      }),
      expect.objectContaining({ id: 'c02', state: 'succeeded' }),
    ]);
    expect(result.winner?.id).toBe('c02');
    const c01 = path.join(harness.home, 'artifacts', runId, 'candidates', 'c01');
    expect(lines(path.join(c01, 'attempts.log'))).toHaveLength(TRAINING_ATTEMPTS);
    expect(lines(path.join(c01, 'completions.log'))).toHaveLength(0);
    expect(existsSync(path.join(c01, '_SUCCESS'))).toBe(false);
    for (const pid of killed) expect(isProcessAlive(pid)).toBe(false);
  }, 300_000);

  test('when it was the only candidate, the run fails as AllCandidatesFailed with the kill as the reason', async () => {
    const runId = `ferry-fault-trainkill-${shortId()}`;
    const group = `trainkill-${shortId()}`;
    const handle = await startRun(
      harness.client,
      harness,
      runId,
      killablePipeline(group, ['random-forest']),
    );
    await killEveryTrainingOf(runId, TRAINING_ATTEMPTS);
    const failure = await runFailure(handle);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = rootCause(failure) as Error & { type?: string };
    expect(cause.type).toBe('AllCandidatesFailed');
    expect(cause.message).toMatch(
      /^all 1 candidates failed; the first error: .*(exit -9|SIGKILL|signal 9)/,
    );
    const c01 = path.join(harness.home, 'artifacts', runId, 'candidates', 'c01');
    expect(lines(path.join(c01, 'attempts.log'))).toHaveLength(TRAINING_ATTEMPTS);
    expect(lines(path.join(c01, 'completions.log'))).toHaveLength(0);
    // Nothing registered for a run with no model.
    expect(await openRegistry('local', harness.home).listVersions(group)).toEqual([]);
  }, 300_000);
});
