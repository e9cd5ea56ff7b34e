import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFerryAsync, startFerry, watchOutput } from '../fixtures/ferry-cli';
import { sendDecision, waitForStage } from '../../src/temporal/run-control';
import type { PipelineResult } from '../../src/workflows/definitions';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person } from '../fixtures/people';
import { SHARED_DATA_DIR, validPipeline, writePipeline } from '../fixtures/pipelines';

/** Who the CLI signs as on a development machine: its OS user (there is no --as). */
const OS_USER = os.userInfo().username;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

function penguinsPipeline(): Record<string, unknown> {
  return {
    ...validPipeline(),
    name: 'penguins-cli',
    modelGroup: 'penguins-cli',
    dataset: {
      path: path.join(SHARED_DATA_DIR, 'penguins.csv'),
      target: 'species',
      task: 'multiclass',
    },
    candidates: {
      count: 2,
      maxParallel: 2,
      algorithms: [{ name: 'linear', hyperparameters: { C: [0.5, 5] } }],
    },
    objective: 'f1_macro',
    gates: { thresholds: ['accuracy >= 0.8'] },
  };
}

/** `ferry` as a user runs it (not a TTY here, so progress comes as plain lines), against the harness's worker. */
const cliEnv = () => ({ FERRY_TASK_QUEUE: harness.taskQueue, FERRY_HOME: harness.home });
function ferry(args: string[]) {
  return runFerryAsync(args, { env: cliEnv() });
}
const ferryRun = (args: string[]) => ferry(['run', ...args]);

async function runCount(): Promise<number> {
  const { count } = await harness.client.workflow.count(`TaskQueue = "${harness.taskQueue}"`);
  return count;
}

describe('ferry run and ferry status', () => {
  test('run starts the run, streams progress, asks for a decision, and ends when approved', async () => {
    const run = startFerry(['run', writePipeline(penguinsPipeline())], { env: cliEnv() });
    // 'close' comes after the last output chunk is read, 'exit' may not.
    const exited = new Promise<number | null>((resolve) => run.on('close', resolve));
    const output = watchOutput(run);
    const [, waitingRun] = await output.waitFor(/^ {2}ferry approve (\S+) -m "why"$/m);
    // The CLI signs as this machine's user, who is not among the file's approvers.
    const refused = await ferry(['approve', waitingRun ?? '']);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(
      new RegExp(
        `refused: ${escapeRegExp(OS_USER)} may not decide this run under the approval section of the run's own file`,
      ),
    );
    const handle = harness.client.workflow.getHandle(waitingRun ?? '');
    const approved = await sendDecision(
      handle,
      'approve',
      await person(harness.home, 'alice'),
      'good enough',
    );
    expect(approved).toMatchObject({ isAccepted: true, decision: { approver: 'alice' } });
    expect(await exited).toBe(0);
    const result = { stdout: output.text(), status: 0 };

    expect(result.stdout).toMatch(
      new RegExp(`^run (ferry-penguins-cli-[0-9a-f]{8}) started by ${escapeRegExp(OS_USER)}$`, 'm'),
    );
    expect(result.stdout).toMatch(/^stage: preparing$/m);
    expect(result.stdout).toMatch(/^training: \d\/2 done, \d running, 0 failed/m);
    expect(result.stdout).toMatch(
      /waiting for a decision \(1 of alice; not the starter; within 1 hour; from the run's own file \(the group has no policy\)\)/,
    );
    expect(result.stdout).toMatch(/^#\s+candidate\s+algorithm\s+f1_macro\s+accuracy/m);
    expect(result.stdout).toMatch(/^scores: validation \(never the test split\)$/m);
    expect(result.stdout).toMatch(
      /^chosen: c0[12] \(linear\), refit on train \+ validation \(292 rows\); test f1_macro [01]\.\d{4} on 52 rows; gates passed$/m,
    );
    // A verified person the rules refuse is kept in the trail, under the name their credential proved.
    expect(result.stdout).toMatch(
      new RegExp(
        `^decision \\S+ update approve by ${escapeRegExp(OS_USER)} \\(ferry-local\\): refused: ${escapeRegExp(OS_USER)} may not decide this run`,
        'm',
      ),
    );
    expect(result.stdout).toMatch(
      /^decision \S+ update approve by alice \(ferry-api\) "good enough": accepted$/m,
    );
    expect(result.stdout).toMatch(/^deployed: penguins-cli version \d+ is Approved and serving$/m);
    expect(result.stdout).toMatch(
      /^deployed penguins-cli v\d+ to endpoint penguins-cli at http:\/\/127\.0\.0\.1:\d+$/m,
    );
    expect(result.stdout).toMatch(/^load test: \d+ requests at .*p99 [\d.]+ ms/m);
    expect(result.stdout).toMatch(/^report: .*report\.md$/m);
    expect(result.stdout).toMatch(/^champion gate: passed: no approved version yet/m);

    const runId = /^run (\S+) started/m.exec(result.stdout)?.[1] ?? '';
    const status = await ferry(['status', runId, '--json']);
    expect(status.status).toBe(0);
    const summary = JSON.parse(status.stdout) as {
      status: string;
      stage: string;
      startedBy: string;
      leaderboard: unknown[];
    };
    expect(summary).toMatchObject({ status: 'COMPLETED', stage: 'deployed', startedBy: OS_USER });
    expect(summary.leaderboard).toHaveLength(2);

    const version = /^deployed: penguins-cli version (\d+)/m.exec(result.stdout)?.[1] ?? '';
    const list = await ferry(['models', 'list', 'penguins-cli']);
    expect(list.stdout).toMatch(
      new RegExp(`^penguins-cli v${version}\\s+Approved\\s+linear\\s+.*run ${runId}$`, 'm'),
    );
    const show = await ferry(['models', 'show', 'penguins-cli', version]);
    expect(show.stdout).toMatch(new RegExp(`run\\s+${runId} \\(candidate c0[12]\\)`));
    expect(show.stdout).toMatch(
      new RegExp(`PendingManualApproval\\s+by ${escapeRegExp(OS_USER)}: registered by run`),
    );
    expect(show.stdout).toMatch(/Approved\s+by alice: good enough/);
    expect(show.stdout).toMatch(/deployed on penguins-cli: created the endpoint/);
    const missing = await ferry(['models', 'show', 'penguins-cli', '99']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/model group 'penguins-cli' has no version 99/);

    const text = await ferry(['status', runId]);
    expect(text.stdout).toMatch(/stage deployed/);
    expect(text.stdout).toMatch(
      /^decision \S+ update approve by alice \(ferry-api\) "good enough": accepted$/m,
    );
    expect(text.stdout).toMatch(/candidates: 2 succeeded, 0 running, 0 pending, 0 failed/);

    const endpoints = await ferry(['endpoints', 'list']);
    expect(endpoints.stdout).toMatch(
      new RegExp(
        `^penguins-cli  InService  penguins-cli v${version}  http://127\\.0\\.0\\.1:\\d+$`,
        'm',
      ),
    );
    expect(endpoints.stdout).toMatch(/^ {2}scaling {4}on: min 1, max 2/m);
    const rows = path.join(harness.home, 'rows.csv');
    writeFileSync(rows, 'Biscoe,50.0,15.2,218,5700,male\nDream,38.1,18.6,190,3700,female\n');
    const invoked = await ferry(['invoke', 'penguins-cli', rows]);
    expect(invoked.status).toBe(0);
    const answer = JSON.parse(invoked.stdout) as { labels: string[]; probabilities: number[][] };
    expect(answer.labels).toEqual(['Gentoo', 'Adelie']);
    const unknown = await ferry(['invoke', 'nowhere', rows]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/endpoint nowhere does not exist/);
    const deleted = await ferry(['endpoints', 'delete', 'penguins-cli']);
    expect(deleted.stdout).toMatch(/deleted endpoint penguins-cli/);
    expect((await ferry(['endpoints', 'list'])).stdout).toMatch(/^no endpoints/m);
  });

  test('a bad pipeline file never starts a run', async () => {
    const before = await runCount();
    const bad = { ...penguinsPipeline(), objective: 'rmse' };
    const result = await ferryRun([writePipeline(bad)]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/objective 'rmse' does not apply to a multiclass task/);
    expect(result.stderr).toMatch(/is not valid; nothing was started/);
    expect(await runCount()).toBe(before);
  });

  test('--detach prints the run id and returns while the run goes on', async () => {
    // This machine's user may approve their own run here, so `ferry approve` can end it;
    // a group of its own, so the first test's version is no champion to beat.
    const pipeline = {
      ...penguinsPipeline(),
      modelGroup: 'penguins-cli-detach',
      approval: { approvers: ['alice', OS_USER], allowStarterToApprove: true, timeout: '1h' },
    };
    const result = await ferryRun([writePipeline(pipeline), '--detach']);
    expect(result.status).toBe(0);
    const runId = /^run (\S+) started/m.exec(result.stdout)?.[1] ?? '';
    expect(result.stdout).not.toMatch(/selected/);
    const handle = harness.client.workflow.getHandle(runId);
    expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
    const approved = await ferry(['approve', runId, '-m', 'good enough']);
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toMatch(new RegExp(`approved by ${escapeRegExp(OS_USER)}`));
    expect(approved.status).toBe(0);
    expect(((await handle.result()) as PipelineResult).startedBy).toBe(OS_USER);
  });

  test('status of an unknown run says so', async () => {
    const result = await ferry(['status', 'ferry-nope-00000000']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no run 'ferry-nope-00000000'/);
  });
});
