/**
 * Records workflow histories of real runs into test/replay/histories/, for the
 * replay test to check that today's workflow code still replays them. Run it
 * when a release's histories should be kept (before changing workflow code):
 *
 *   node -r tsx/cjs scripts/record-histories.ts <label> [--signal-approval-chars N]
 *
 * By default the approval is an update; with --signal-approval-chars it is a
 * signal whose message is N characters long (how v6 recorded an approval that
 * later code refuses, for the decision-message-limit patch).
 *
 * It starts its own dev server and worker unless TEMPORAL_ADDRESS is set.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineSchema } from '../src/config/pipeline-schema';
import { findTemporalCli } from '../src/temporal/temporal-cli';
import { installWorkerLogging } from '../src/temporal/worker-logging';
import type { trainingPipeline } from '../src/workflows/pipeline';
import { approveSignal, approveUpdate, summaryQuery } from '../src/workflows/definitions';
import { benchWorker } from '../bench/bench-server';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'test', 'replay', 'histories');

async function main(label: string, signalApprovalChars?: number): Promise<void> {
  installWorkerLogging();
  const keepAlive = setInterval(() => undefined, 60_000);
  const taskQueue = `ferry-record-${label}`;
  const worker = await benchWorker('record', taskQueue);
  const { client, address } = worker;
  try {
    const config = pipelineSchema.parse({
      name: 'replay',
      dataset: {
        path: path.join(ROOT, 'examples', 'data', 'hpc_data.csv'),
        target: 'class',
        task: 'multiclass',
      },
      candidates: {
        count: 3,
        maxParallel: 2,
        algorithms: [
          { name: 'linear', hyperparameters: { C: { low: 0.1, high: 10, log: true } } },
          { name: 'random-forest', hyperparameters: { n_estimators: 20, max_features: 5 } },
        ],
      },
      objective: 'f1_macro',
      gates: { thresholds: ['accuracy >= 0.5'] },
      modelGroup: 'replay',
      approval: { approvers: ['alice'] },
      loadTest: { phases: [{ durationSeconds: 2, ratePerSecond: 5 }], slo: { latencyP99Ms: 3000 } },
    });
    // One random-forest candidate fails (max_features 5 is refused by scikit-learn),
    // so the history also holds a failed child and the run's handling of it.
    const workflowId = `ferry-replay-${label}`;
    const handle = await client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
      taskQueue,
      workflowId,
      args: [{ config, startedBy: 'recorder' }],
    });
    // Decide the way people do: a refused signal first (recorded in the trail), then an approval.
    for (;;) {
      const { stage } = await handle.query(summaryQuery);
      if (stage === 'awaiting-approval') break;
      if ((await handle.describe()).status.name !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if ((await handle.describe()).status.name === 'RUNNING') {
      await handle.signal(approveSignal, { approver: 'mallory' });
      if (signalApprovalChars === undefined) {
        await handle.executeUpdate(approveUpdate, {
          args: [{ approver: 'alice', message: 'recorded' }],
        });
      } else {
        await handle.signal(approveSignal, {
          approver: 'alice',
          message: 'recorded '.repeat(signalApprovalChars).slice(0, signalApprovalChars),
        });
      }
    }
    await handle.result();
    // The Temporal CLI writes the JSON form that Worker.runReplayHistory reads.
    for (const id of [workflowId, `${workflowId}-c01`, `${workflowId}-c02`]) {
      const shown = spawnSync(
        findTemporalCli(),
        ['workflow', 'show', '--workflow-id', id, '--address', address, '--output', 'json'],
        { encoding: 'utf8' },
      );
      if (shown.status !== 0)
        throw new Error(`temporal workflow show ${id} failed: ${shown.stderr}`);
      writeFileSync(path.join(OUT, `${id}.json`), shown.stdout);
      console.log(`recorded ${id}`);
    }
  } finally {
    await worker.stop();
    clearInterval(keepAlive);
  }
}

function signalApprovalCharsOf(args: string[]): number | undefined {
  const at = args.indexOf('--signal-approval-chars');
  if (at === -1) return undefined;
  const chars = Number(args[at + 1]);
  if (!Number.isInteger(chars) || chars < 1)
    throw new Error('--signal-approval-chars needs a whole number of characters, e.g. 12000');
  return chars;
}

main(process.argv[2] ?? 'v1', signalApprovalCharsOf(process.argv.slice(3))).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
