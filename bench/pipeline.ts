import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common';
import { validatePipelineFile } from '../src/config/validate-pipeline';
import { approveWhenWaiting, waitForStage } from '../src/temporal/run-control';
import { installWorkerLogging } from '../src/temporal/worker-logging';
import { benchPerson } from './bench-people';
import { benchWorker, machine, progress, round, startBenchRun } from './bench-server';
import { withAbsoluteDatasetPath } from '../src/temporal/start-run';

const DEMO_PIPELINE = path.resolve(__dirname, '..', 'examples', 'churn.yaml');

/**
 * pipeline (DESIGN.md §7): the demo pipeline end to end through Temporal,
 * approved at once. Orchestration overhead = wall time ÷ (sum of activity
 * times ÷ parallelism): candidates' activities run `maxParallel` at a time,
 * every other step one at a time, so the ideal wall is their sum over that.
 * The wait for the human decision is left out of the wall time.
 */
export async function pipeline(): Promise<unknown> {
  installWorkerLogging();
  const validation = await validatePipelineFile(DEMO_PIPELINE);
  if (!validation.ok) throw new Error(`${DEMO_PIPELINE} is not valid`);
  const name = `bench-${randomBytes(3).toString('hex')}`;
  const config = {
    ...withAbsoluteDatasetPath(validation.config, path.dirname(DEMO_PIPELINE)),
    modelGroup: name,
    endpoint: { ...validation.config.endpoint, name },
  };
  const worker = await benchWorker('pipeline');

  try {
    progress(`running ${path.basename(DEMO_PIPELINE)} end to end...`);
    const started = Date.now();
    const handle = await startBenchRun(
      worker,
      `ferry-bench-pipeline-${randomBytes(4).toString('hex')}`,
      config,
    );
    await waitForStage(handle, ['awaiting-approval'], 600_000);
    const waitingFrom = Date.now();
    const approving = approveWhenWaiting(
      handle,
      await benchPerson(worker.home, 'alice'),
      'benchmark',
    );
    const result = await approving;
    const approvedBy = decisionTime(result.decisionTrail?.at(-1)?.at) ?? waitingFrom;
    const wallMs = Date.now() - started - Math.max(0, approvedBy - waitingFrom);
    const activities = await activityTimes(
      worker.client,
      handle.workflowId,
      result.candidates.map((c) => `${handle.workflowId}-${c.id}`),
    );
    const parallelism = config.candidates.maxParallel;
    const idealMs = activities.pipelineMs + activities.candidatesMs / parallelism;
    return {
      benchmark: 'pipeline',
      machine: machine(),
      inputs: {
        pipeline: 'examples/churn.yaml',
        candidates: config.candidates.count,
        maxParallel: parallelism,
      },
      outcome: result.outcome,
      figures: {
        wallSeconds: round(wallMs / 1000),
        activitySeconds: {
          pipelineSteps: round(activities.pipelineMs / 1000),
          candidates: round(activities.candidatesMs / 1000),
        },
        idealSeconds: round(idealMs / 1000),
        orchestrationOverhead: round(wallMs / idealMs),
        loadTestSeconds: round((result.release?.loadTest?.result.durationMs ?? 0) / 1000),
      },
    };
  } finally {
    await worker.stop();
  }
}

/** Started-to-closed time of every activity in the run's history and its children's. */
async function activityTimes(client: Client, runId: string, children: string[]) {
  const total = async (workflowId: string) => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const startedAt = new Map<string, number>();
    let sum = 0;
    for (const event of history.events ?? []) {
      const at = tsToMs(event.eventTime);
      if (event.activityTaskStartedEventAttributes) {
        startedAt.set(String(event.activityTaskStartedEventAttributes.scheduledEventId), at);
      }
      const closed =
        event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
      const begun = closed && startedAt.get(String(closed.scheduledEventId));
      if (begun !== undefined && begun !== null) sum += at - begun;
    }
    return sum;
  };
  const candidateTimes = await Promise.all(children.map(total));
  return {
    pipelineMs: await total(runId),
    candidatesMs: candidateTimes.reduce((a, b) => a + b, 0),
  };
}

function decisionTime(at: string | undefined): number | undefined {
  return at ? Date.parse(at) : undefined;
}
