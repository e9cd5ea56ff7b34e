import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { WorkflowHandle } from '@temporalio/client';
import { pipelineSchema, type PipelineConfig } from '../src/config/pipeline-schema';
import { waitForStage } from '../src/temporal/run-control';
import { installWorkerLogging } from '../src/temporal/worker-logging';
import { candidatesQuery } from '../src/workflows/definitions';
import { releaseWorkflowIdOf } from '../src/workflows/release-definitions';
import { churnDataset, penguinsOneModel } from '../test/fixtures/pipelines';
import { decideAs } from './bench-people';
import { benchWorker, machine, progress, round, startBenchRun } from './bench-server';

/** Queued trainings in the burst: the figure. */
const BURST = 50;

/**
 * burst: the time from an approval to its deploy, alone and behind a burst
 * of 50 queued trainings from another run, on one worker of role `all` with
 * the default bound (one training per core). Trainings run on the training
 * queue and the release on the control queue, so the burst should not
 * delay the deploy: the goal is a ratio (with ÷ without) near 1, measured in
 * the same run. Each time is read from the run's history: from the approve
 * update's acceptance to the `deploying` stage, and to the deployEndpoint
 * activity's start.
 */
export async function burst(): Promise<unknown> {
  installWorkerLogging();
  const worker = await benchWorker('burst');
  const suffix = randomBytes(3).toString('hex');
  let burstRun: WorkflowHandle | undefined;
  try {
    progress('approval to deploy, alone...');
    const alone = await approveAndTime(worker, `ferry-bench-alone-${suffix}`, `burst-a-${suffix}`);

    progress(`approval to deploy, behind ${BURST} queued trainings...`);
    const waiting = await untilAwaitingApproval(
      worker,
      `ferry-bench-behind-${suffix}`,
      `burst-b-${suffix}`,
    );
    burstRun = await startBenchRun(worker, `ferry-bench-burst-${suffix}`, burstConfig(suffix));
    const queued = await untilQueued(burstRun);
    const behind = await approveAndTime(worker, waiting, `burst-b-${suffix}`);
    const finishedDuringDeploy = (await burstRun.query(candidatesQuery)).filter(
      (c) => c.state === 'succeeded',
    ).length;
    return {
      benchmark: 'burst',
      machine: machine(),
      inputs: {
        burstTrainings: BURST,
        trainingsAtOnce: os.availableParallelism(),
        burstRunningOrQueuedAtApproval: queued,
        burstFinishedBeforeDeploy: finishedDuringDeploy,
      },
      figures: {
        approvalToDeployingMs: { alone: alone.toDeployingMs, behindBurst: behind.toDeployingMs },
        approvalToDeployStartedMs: {
          alone: alone.toDeployStartedMs,
          behindBurst: behind.toDeployStartedMs,
        },
        ratioDeployStarted: round(behind.toDeployStartedMs / Math.max(1, alone.toDeployStartedMs)),
      },
      // Not an absolute target: a loaded machine slows both; a queue shared with training would add the burst's length.
      goal: {
        ratioDeployStartedAtMost: 3,
        met: behind.toDeployStartedMs <= 3 * Math.max(alone.toDeployStartedMs, 200),
      },
    };
  } finally {
    await burstRun?.terminate('burst benchmark done').catch(() => undefined);
    await worker.stop();
  }
}

type Worker = Awaited<ReturnType<typeof benchWorker>>;

/** Starts a one-candidate run and waits until it asks for a decision. */
async function untilAwaitingApproval(
  worker: Worker,
  runId: string,
  group: string,
): Promise<WorkflowHandle> {
  const handle = await startBenchRun(worker, runId, releaseConfig(group));
  const stage = await waitForStage(handle, ['awaiting-approval'], 240_000);
  if (stage !== 'awaiting-approval') throw new Error(`${runId} ended ${stage} before approval`);
  return handle;
}

/** Approves a run (started here when given by id) and times its release from the history. */
async function approveAndTime(
  worker: Worker,
  run: string | WorkflowHandle,
  group: string,
): Promise<{ toDeployingMs: number; toDeployStartedMs: number }> {
  const handle = typeof run === 'string' ? await untilAwaitingApproval(worker, run, group) : run;
  await decideAs(handle, worker.home, 'bench-approver', 'approve', 'benchmark');
  const result = (await handle.result()) as { outcome?: string };
  if (result.outcome !== 'deployed')
    throw new Error(`${handle.workflowId} ended ${JSON.stringify(result)}`);
  // The deploy runs in the release workflow that held the group's endpoint.
  const release = worker.client.workflow.getHandle(releaseWorkflowIdOf(undefined, group));
  return releaseTimes(handle, release);
}

/** From the approve update's acceptance to the `deploying` stage and to deployEndpoint's start. */
async function releaseTimes(
  handle: WorkflowHandle,
  release: WorkflowHandle,
): Promise<{ toDeployingMs: number; toDeployStartedMs: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const releaseEvents = (await release.fetchHistory()).events ?? [];
  const ms = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
  const approvedAt = ms(
    events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)?.eventTime,
  );
  const deployingAt = ms(
    events.find((e) => {
      const field =
        e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.FerryStage
          ?.data;
      return field && Buffer.from(field).toString('utf8').includes('deploying');
    })?.eventTime,
  );
  const scheduled = releaseEvents.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deployEndpoint',
  );
  const started = releaseEvents.find(
    (e) =>
      scheduled &&
      String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId),
  );
  if (!approvedAt || !deployingAt || !started)
    throw new Error(
      `${handle.workflowId}: no approval, deploying stage or deploy start in its history`,
    );
  return {
    toDeployingMs: Math.round(deployingAt - approvedAt),
    toDeployStartedMs: Math.round(ms(started.eventTime) - approvedAt),
  };
}

/** Waits until every candidate of the burst runs or waits for a training slot; how many are left. */
async function untilQueued(handle: WorkflowHandle): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const candidates = await handle.query(candidatesQuery).catch(() => []);
    const open = candidates.filter((c) => c.state === 'running' || c.state === 'pending').length;
    if (candidates.length === BURST && open > 0) {
      // The children schedule their trainings within a workflow task of starting.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return (await handle.query(candidatesQuery)).filter((c) => c.state === 'running').length;
    }
    if (Date.now() > deadline) throw new Error(`${handle.workflowId}: the burst never queued`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One quick candidate, approved by bench-approver, a short load test. */
function releaseConfig(group: string): PipelineConfig {
  return pipelineSchema.parse(
    penguinsOneModel(group, {
      name: 'burst-release',
      endpoint: { name: group },
      approval: { approvers: ['bench-approver'] },
      loadTest: {
        phases: [{ durationSeconds: 1, ratePerSecond: 5 }],
        slo: { latencyP99Ms: 3000 },
      },
    }),
  );
}

/** 50 forests of a few seconds each, all started at once: all but a core's worth wait on the training queue. */
function burstConfig(suffix: string): PipelineConfig {
  return pipelineSchema.parse({
    name: 'burst-trainings',
    dataset: churnDataset(),
    candidates: {
      count: BURST,
      maxParallel: BURST,
      algorithms: [
        { name: 'random-forest', hyperparameters: { n_estimators: [150, 250], max_depth: 12 } },
      ],
    },
    objective: 'roc_auc',
    gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
    modelGroup: `burst-trainings-${suffix}`,
    endpoint: { name: `burst-trainings-${suffix}` },
    approval: { approvers: ['bench-approver'] },
    // Never reached: the benchmark ends the run once the release it delays is timed.
    loadTest: { phases: [{ durationSeconds: 1, ratePerSecond: 5 }], slo: { latencyP99Ms: 3000 } },
  });
}
