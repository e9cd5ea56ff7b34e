import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunView } from '../../src/api/run-view';
import { runFerryAsync } from '../fixtures/ferry-cli';
import { startApiHarness, type ApiHarness } from '../fixtures/api-harness';
import type { WorkerHarness } from '../fixtures/ferry-worker';
import { penguinsOneModel, writePipeline } from '../fixtures/pipelines';

// A failed run's real cause reaches `ferry run`, `ferry status` and the API,
// with the step shown failed; a decision on a run that has ended is refused
// with how it ended (exit 3, 409), and an unknown run still gets "no run".

const TOKENS = 'alice:alice-5f0e1d,bob:bob-2c3b4a';
const BOB = 'bob-2c3b4a';

/** Terminal controls a file can carry: erase the line, return to its start, reverse what follows. */
const ESCAPES = '\x1b[2K\u202e';
// eslint-disable-next-line no-control-regex -- it looks for raw controls on purpose
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/;

let served: ApiHarness;
let harness: WorkerHarness;
let baseUrl: string;

beforeAll(async () => {
  served = await startApiHarness({ tokens: TOKENS });
  ({ worker: harness, baseUrl } = served);
});
afterAll(() => served?.stop());

const cliEnv = () => ({ FERRY_TASK_QUEUE: harness.taskQueue, FERRY_HOME: harness.home });
const ferry = (args: string[]) => runFerryAsync(args, { env: cliEnv() });

async function api(method: string, route: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${BOB}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * A dataset whose target has one class, so prepare fails with a DatasetError
 * after `ferry validate` (which reads only the header) passed it. The class
 * is file content carrying escape sequences, which the message must not
 * quote, let alone print raw.
 */
function oneClassDataset(): string {
  const file = path.join(harness.home, 'one-class.csv');
  const rows = Array.from({ length: 20 }, (_, i) => `${i},x${ESCAPES}`);
  writeFileSync(file, `a,species\n${rows.join('\n')}\n`);
  return file;
}

describe('a run that fails in prepare', () => {
  let runId = '';
  const cause = "target 'species' has only one class; a classifier needs at least two";

  beforeAll(async () => {
    const pipeline = penguinsOneModel('surfaced-failure', {
      dataset: { path: oneClassDataset(), target: 'species', task: 'multiclass' },
    });
    const run = await ferry(['run', writePipeline(pipeline)]);
    runId = /^run (\S+) started/m.exec(run.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');
    expect(run.status).toBe(1);
    // The DatasetError's own words and fix, not "Activity task failed"; its escapes shown, not obeyed.
    expect(run.stderr).toContain(`run ${runId} failed in step prepare: ${cause}`);
    expect(run.stderr).not.toMatch(/Activity task failed/);
    expect(run.stderr + run.stdout).not.toMatch(RAW_CONTROL);
  });

  test('ferry status shows the step failed and the cause', async () => {
    const text = await ferry(['status', runId]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^run ${runId} \\(surfaced-failure, started by .+\\): FAILED, stage failed$`, 'm'),
    );
    expect(text.stdout).toContain(`\nfailed in step prepare: ${cause}\n`);
    // A failed run still writes its report.
    expect(text.stdout).toMatch(/^steps: prepare failed, report done$/m);
    expect(text.stdout).not.toMatch(RAW_CONTROL);

    const json = await ferry(['status', runId, '--json']);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    const view = JSON.parse(json.stdout) as {
      stage: string;
      outcome: string;
      failure: { type: string; message: string };
      steps: { step: string; status: string; note: string }[];
    };
    const message = cause;
    expect(view).toMatchObject({
      status: 'FAILED',
      stage: 'failed',
      outcome: 'failed',
      failure: { type: 'DatasetError', message },
    });
    expect(view.steps).toEqual([
      expect.objectContaining({ step: 'prepare', status: 'failed', note: message }),
      expect.objectContaining({ step: 'report', status: 'done' }),
    ]);
  });

  test('the API shows the step failed and the cause, as plain JSON', async () => {
    const answer = await api('GET', `/runs/${runId}`);
    expect(answer.status).toBe(200);
    const view = JSON.parse(answer.text) as RunView;
    const message = cause;
    expect(view).toMatchObject({ status: 'FAILED', stage: 'failed', failure: message });
    expect(view.steps).toEqual([
      expect.objectContaining({ step: 'prepare', status: 'failed', note: message }),
      expect.objectContaining({ step: 'report', status: 'done' }),
    ]);
  });

  test('a decision on it is refused with how it ended: exit 3 and 409', async () => {
    const approve = await ferry(['approve', runId, '-m', 'too late']);
    expect(approve.status).toBe(3);
    expect(approve.stderr).toContain(
      `ferry: run ${runId} ended failed: ${cause}; a decision is taken only while a run waits for one`,
    );
    expect(approve.stderr).not.toMatch(RAW_CONTROL);

    const reject = await api('POST', `/runs/${runId}/reject`, { message: 'no' });
    expect(reject.status).toBe(409);
    const refusal = JSON.parse(reject.text) as { code: string; message: string };
    expect(refusal.code).toBe('DecisionRefused');
    expect(refusal.message).toMatch(
      new RegExp(`^run ${runId} ended failed: target 'species' has only one class`),
    );
  });

  test('a decision on a run that does not exist still says there is no such run', async () => {
    const approve = await ferry(['approve', 'ferry-nope-00000000']);
    expect(approve.status).toBe(2);
    expect(approve.stderr).toMatch(/no run 'ferry-nope-00000000'/);
  });
});
