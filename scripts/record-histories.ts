/**
 * Records the workflow histories that the replay test replays
 * (test/replay/histories/): one real run per way a run can end, each
 * pipeline with every candidate's child workflow. Ferry is unreleased, so
 * when workflow behaviour changes on purpose these are recorded afresh from
 * the new code (README, Development); after the first release, the ones of
 * each release are kept and changes are guarded by patched().
 *
 *   node -r tsx/cjs scripts/record-histories.ts [scenario ...]
 *
 * With no scenario it records all of them. It starts its own Temporal dev
 * server, worker and moto server (for the SageMaker-backend run), on loopback.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { WorkflowHandle } from '@temporalio/client';
import { createAwsClients } from '../src/backends/sagemaker/aws-clients';
import { pipelineSchema } from '../src/config/pipeline-schema';
import { findTemporalCli } from '../src/temporal/temporal-cli';
import { decisionCredential, waitForStage } from '../src/temporal/run-control';
import { pipelineInput } from '../src/temporal/start-run';
import { installWorkerLogging } from '../src/temporal/worker-logging';
import { approveSignal, PIPELINE_WORKFLOW } from '../src/workflows/definitions';
import { releaseWorkflowIdOf } from '../src/workflows/release-definitions';
import { backendTargetOf } from '../src/workflows/backend-target-of';
import { openRegistry } from '../src/backends/compose-backends';
import { generateCandidates } from '../src/workflows/candidate-generator';
import type { trainingPipeline } from '../src/workflows/pipeline';
import { motoEnvironment, startMotoServer } from '../test/fixtures/moto-server';
import { penguinsOneModel } from '../test/fixtures/pipelines';
import { attachTrainingContainerStandIn } from '../test/fixtures/training-container-stand-in';
import { benchPerson, decideAs } from '../bench/bench-people';
import { benchWorker, type BenchWorker } from '../bench/bench-server';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'test', 'replay', 'histories');
const BUCKET = 'ferry-replay';

type Handle = WorkflowHandle<typeof trainingPipeline>;

interface Scenario {
  /** Overrides of the base pipeline below. */
  pipeline: Record<string, unknown>;
  /**
   * What a person (or the clock) does once the run waits for a decision;
   * people sign as the recorder's worker home's API issuer vouches for them.
   */
  decide(handle: Handle, home: string): Promise<void>;
  /** What the run's end should be: its outcome, or 'failed' / 'cancelled'. */
  expected: string;
}

const WORKING_CANDIDATES = {
  count: 2,
  maxParallel: 2,
  algorithms: [{ name: 'linear', hyperparameters: { C: { low: 0.1, high: 10, log: true } } }],
};

/** Approve the way people do: a signal from someone who may not decide (refused, kept in the trail), then an approval. */
async function approveAfterARefusal(handle: Handle, home: string): Promise<void> {
  await waitForStage(handle, ['awaiting-approval']);
  const mallory = await decisionCredential(handle, 'approve', await benchPerson(home, 'mallory'));
  if (!mallory.ok)
    throw new Error(`${handle.workflowId}: no credential for mallory: ${mallory.reason}`);
  await handle.signal(approveSignal, { credential: mallory.credential });
  await decideAs(handle, home, 'alice', 'approve', 'recorded');
}

const SCENARIOS: Record<string, Scenario> = {
  // One random-forest candidate fails (max_features 5 is refused by scikit-learn
  // on this dataset), so the history holds a failed child and its handling.
  // Ranked by 5-fold cross-validation, then refit: the fold loop and the refit
  // are in the history (the other scenarios rank on the validation split).
  deployed: {
    pipeline: {
      evaluation: { method: 'cv', folds: 5 },
      candidates: {
        count: 3,
        maxParallel: 2,
        algorithms: [
          { name: 'linear', hyperparameters: { C: { low: 0.1, high: 10, log: true } } },
          { name: 'random-forest', hyperparameters: { n_estimators: 20, max_features: 5 } },
        ],
      },
    },
    decide: approveAfterARefusal,
    expected: 'deployed',
  },
  // Ensemble selection offers a blend of the candidates; ranked on log loss,
  // where a linear model and a forest blend well, it wins: the history holds
  // selectEnsemble, each member's refit in parallel lanes and buildEnsemble.
  ensemble: {
    pipeline: {
      objective: 'log_loss',
      gates: { thresholds: [] },
      evaluation: { method: 'holdout' },
      candidates: {
        count: 3,
        maxParallel: 2,
        ensemble: true,
        algorithms: [
          { name: 'linear', hyperparameters: { C: [0.1, 10] } },
          { name: 'random-forest', hyperparameters: { n_estimators: 20, max_depth: 6 } },
        ],
      },
    },
    decide: approveAfterARefusal,
    expected: 'deployed',
  },
  rejected: {
    pipeline: { candidates: WORKING_CANDIDATES },
    async decide(handle, home) {
      await waitForStage(handle, ['awaiting-approval']);
      await decideAs(handle, home, 'alice', 'reject', 'fails the fairness review');
    },
    expected: 'rejected',
  },
  expired: {
    pipeline: { candidates: WORKING_CANDIDATES, approval: { approvers: ['alice'], timeout: '2s' } },
    decide: () => Promise.resolve(),
    expected: 'expired',
  },
  'rolled-back': {
    pipeline: {
      candidates: WORKING_CANDIDATES,
      loadTest: {
        phases: [{ durationSeconds: 2, ratePerSecond: 5 }],
        slo: { latencyP99Ms: 0.001 },
      },
    },
    decide: approveAfterARefusal,
    expected: 'rolled-back',
  },
  'all-failed': {
    pipeline: {
      candidates: {
        count: 2,
        maxParallel: 2,
        algorithms: [
          { name: 'random-forest', hyperparameters: { n_estimators: 20, max_features: 5 } },
        ],
      },
    },
    decide: () => Promise.resolve(),
    expected: 'failed',
  },
  cancelled: {
    pipeline: {
      candidates: {
        count: 2,
        maxParallel: 2,
        algorithms: [{ name: 'random-forest', hyperparameters: { n_estimators: 400 } }],
      },
    },
    async decide(handle) {
      await waitForStage(handle, ['training']);
      // Let the children start their trainings, so the cancel reaches running activities.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await handle.cancel();
    },
    expected: 'cancelled',
  },
  // The registered model's file disappears before its deploy (a real fault):
  // the release fails, compensates (rollback, rejection), and the run reports.
  'release-failed': {
    pipeline: { candidates: WORKING_CANDIDATES },
    async decide(handle, home) {
      await waitForStage(handle, ['awaiting-approval']);
      const version = await openRegistry('local', home).getVersion('replay-release-failed', 1);
      rmSync(path.join(version?.lineage.artifactPath ?? '', 'model.joblib'));
      await decideAs(handle, home, 'alice', 'approve', 'recorded');
    },
    expected: 'failed',
  },
  'cancelled-awaiting': {
    pipeline: { candidates: WORKING_CANDIDATES },
    async decide(handle) {
      await waitForStage(handle, ['awaiting-approval']);
      await handle.cancel();
    },
    expected: 'cancelled',
  },
  sagemaker: {
    pipeline: {
      ...penguinsOneModel('replay-sagemaker'),
      name: 'replay-sagemaker',
      backend: 'sagemaker',
      sagemaker: {
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::123456789012:role/FerryExecution',
        bucket: BUCKET,
      },
      endpoint: {
        name: 'replay-sagemaker',
        minReplicas: 1,
        maxReplicas: 2,
        instanceType: 'ml.m5.large',
      },
    },
    decide: approveAfterARefusal,
    expected: 'deployed',
  },
};

function configOf(name: string, overrides: Record<string, unknown>) {
  return pipelineSchema.parse({
    name: `replay-${name}`,
    dataset: {
      path: path.join(ROOT, 'examples', 'data', 'hpc_data.csv'),
      target: 'class',
      task: 'multiclass',
    },
    objective: 'f1_macro',
    gates: { thresholds: ['accuracy >= 0.3'] },
    modelGroup: `replay-${name}`,
    approval: { approvers: ['alice'] },
    loadTest: { phases: [{ durationSeconds: 2, ratePerSecond: 5 }], slo: { latencyP99Ms: 3000 } },
    ...overrides,
  });
}

async function record(worker: BenchWorker, name: string, scenario: Scenario): Promise<void> {
  const workflowId = `ferry-replay-${name}`;
  const recorder = await benchPerson(worker.home, 'recorder');
  const handle: Handle = await worker.client.workflow.start<typeof trainingPipeline>(
    PIPELINE_WORKFLOW,
    {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [await pipelineInput(recorder, workflowId, configOf(name, scenario.pipeline))],
    },
  );
  await scenario.decide(handle, worker.home);
  const ended = await handle.result().then(
    (result) => result.outcome,
    (error: unknown) =>
      (error as { cause?: { name?: string } }).cause?.name === 'CancelledFailure'
        ? 'cancelled'
        : 'failed',
  );
  if (ended !== scenario.expected) {
    throw new Error(`scenario ${name} ended ${ended}, not ${scenario.expected}`);
  }
  const children = (await handle.describe()).raw.pendingChildren?.length ?? 0;
  if (children > 0) throw new Error(`scenario ${name} left ${children} children running`);
  const config = configOf(name, scenario.pipeline);
  const ids = [
    workflowId,
    ...generateCandidates(config.candidates, config.dataset.task).map(
      (c) => `${workflowId}-${c.id}`,
    ),
  ];
  // The Temporal CLI writes the JSON form that Worker.runReplayHistory reads.
  for (const id of ids) writeFileSync(path.join(OUT, `${id}.json`), show(worker, id));
  // A run that reached its release has a release workflow, named by the endpoint it held.
  const releaseId = releaseWorkflowIdOf(
    backendTargetOf(config),
    config.endpoint.name ?? config.modelGroup,
  );
  const release = showIfAny(worker, releaseId);
  if (release) writeFileSync(path.join(OUT, `${workflowId}-release.json`), release);
  console.log(
    `recorded ${name}: ${ended}, ${ids.length - 1} candidate histories${release ? ' and its release' : ''}`,
  );
}

function show(worker: BenchWorker, id: string): string {
  const shown = showIfAny(worker, id);
  if (shown === undefined) throw new Error(`temporal workflow show ${id} found no workflow`);
  return shown;
}

function showIfAny(worker: BenchWorker, id: string): string | undefined {
  const shown = spawnSync(
    findTemporalCli(),
    ['workflow', 'show', '--workflow-id', id, '--address', worker.address, '--output', 'json'],
    { encoding: 'utf8' },
  );
  if (shown.status === 0) return shown.stdout;
  if (/not found/i.test(shown.stderr)) return undefined;
  throw new Error(`temporal workflow show ${id} failed: ${shown.stderr}`);
}

async function main(names: string[]): Promise<void> {
  for (const name of names) {
    if (!SCENARIOS[name]) {
      throw new Error(`no scenario '${name}'; scenarios: ${Object.keys(SCENARIOS).join(', ')}`);
    }
  }
  installWorkerLogging();
  mkdirSync(OUT, { recursive: true });
  // Awaiting a run holds no handle of its own: without this, Node would exit mid-recording.
  const keepAlive = setInterval(() => undefined, 60_000);
  const moto = await startMotoServer(
    path.join(os.tmpdir(), `ferry-record-moto-${process.pid}.log`),
  );
  Object.assign(process.env, motoEnvironment(moto.url));
  const clients = createAwsClients('us-east-1');
  attachTrainingContainerStandIn(clients.sagemaker, createAwsClients('us-east-1').s3);
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const worker = await benchWorker('record', 'ferry-record', () => clients);
  try {
    const recorded = await Promise.allSettled(
      names.map((name) => record(worker, name, SCENARIOS[name] as Scenario)),
    );
    const failures = recorded.flatMap((r): unknown[] =>
      r.status === 'rejected' ? [r.reason] : [],
    );
    if (failures.length > 0) throw new AggregateError(failures, 'some scenarios were not recorded');
  } finally {
    await worker.stop();
    await moto.stop();
    clearInterval(keepAlive);
  }
}

main(process.argv.length > 2 ? process.argv.slice(2) : Object.keys(SCENARIOS)).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
