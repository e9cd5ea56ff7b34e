import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunView } from '../../src/api/run-view';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { sendDecision, waitForStage } from '../../src/temporal/run-control';
import { runFerryAsync } from '../fixtures/ferry-cli';
import { startApiHarness, type ApiHarness } from '../fixtures/api-harness';
import type { WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';

// Names and messages that came from a person are escaped wherever Ferry shows
// them: an approver's subject (from a credential), a refusal reason that
// quotes it, and a decision message. The message carries an ESC sequence, a
// carriage return and a bidi override (a subject with any of them is refused
// by the verifier, test/unit/identity), both carry markup. The terminal, the
// Markdown and the HTML show them as escapes; the API's JSON carries them as
// they came.

/** Tries to close a script and open a comment. */
const MALLORY = 'mallory</script><!--';
const MESSAGE = 'no </script><!-- \u202eevil\x1b[31m red\rdecision accepted';
// eslint-disable-next-line no-control-regex -- it looks for raw controls on purpose
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/;

const TOKENS = 'bob:bob-7e6d5c';

let api: ApiHarness;
let harness: WorkerHarness;
let baseUrl: string;
let runId: string;

beforeAll(async () => {
  api = await startApiHarness({ tokens: TOKENS });
  ({ worker: harness, baseUrl } = api);

  runId = `ferry-safe-output-${randomBytes(4).toString('hex')}`;
  const config = pipelineSchema.parse(
    penguinsOneModel('safe-output', { approval: { approvers: ['alice'], timeout: '1h' } }),
  );
  const handle = await startRunAs(harness.client, await person(harness.home, 'tester'), {
    taskQueue: harness.taskQueue,
    workflowId: runId,
    config,
  });
  expect(await waitForStage(handle, ['awaiting-approval'])).toBe('awaiting-approval');
  const refused = await sendDecision(handle, 'approve', await person(harness.home, MALLORY), 'ok');
  expect(refused.isAccepted).toBe(false);
  expect(!refused.isAccepted && refused.reason).toContain(MALLORY);
  const rejected = await sendDecision(
    handle,
    'reject',
    await person(harness.home, 'alice'),
    MESSAGE,
  );
  expect(rejected.isAccepted).toBe(true);
  expect((await handle.result()).outcome).toBe('rejected');
}, 180_000);
afterAll(() => api?.stop());

const ferry = (args: string[]) =>
  runFerryAsync(args, { env: { FERRY_TASK_QUEUE: harness.taskQueue, FERRY_HOME: harness.home } });

test('ferry status shows the subject, the reason and the message as escapes', async () => {
  const status = await ferry(['status', runId]);
  expect(status.status).toBe(0);
  expect(status.stdout).not.toMatch(RAW_CONTROL);
  const shown = MALLORY;
  expect(status.stdout).toMatch(
    new RegExp(
      `^decision \\S+ update approve by ${escapeRegExp(shown)} \\(ferry-api\\): refused: ${escapeRegExp(shown)} may not decide`,
      'm',
    ),
  );
  expect(status.stdout).toContain(
    'by alice (ferry-api) "no </script><!-- \\u202eevil\\x1b[31m red\\rdecision accepted": accepted',
  );
  const json = await ferry(['status', runId, '--json']);
  expect(json.stdout).not.toMatch(RAW_CONTROL);
  const view = JSON.parse(json.stdout) as {
    decisionTrail: { subject: string; message?: string }[];
  };
  expect(view.decisionTrail.map((entry) => entry.subject)).toEqual([MALLORY, 'alice']);
});

test('ferry report escapes them in Markdown, HTML and on the terminal', async () => {
  const markdown = await ferry(['report', runId]);
  expect(markdown.status).toBe(0);
  expect(markdown.stdout).not.toMatch(RAW_CONTROL);
  expect(markdown.stdout).not.toMatch(/(?<!\\)<\/script>|(?<!\\)<!--/);
  // A line break (the CR) is a space in Markdown; the rest shows as escapes, markup escaped.
  expect(markdown.stdout).toContain('mallory\\</script>\\<!--');
  // The file itself: a Markdown viewer sees no raw control either.
  const file = readFileSync(path.join(harness.home, 'runs', runId, 'report.md'), 'utf8');
  expect(file).not.toMatch(RAW_CONTROL);

  const page = path.join(harness.home, 'page', 'report.html');
  const html = await ferry(['report', runId, '--html', page]);
  expect(html.status).toBe(0);
  const text = readFileSync(page, 'utf8');
  expect(text).not.toMatch(RAW_CONTROL);
  expect(text).not.toMatch(/<script|<\/script>|<!--/i);
  expect(text).toContain('mallory&lt;/script&gt;&lt;!--');

  const json = await ferry(['report', runId, '--json']);
  expect(json.stdout).not.toMatch(RAW_CONTROL);
  const report = JSON.parse(json.stdout) as {
    decisionTrail: { subject: string; message: string }[];
  };
  expect(report.decisionTrail.map((entry) => entry.message)).toContain(MESSAGE);
});

test('the API carries them as plain JSON, unchanged', async () => {
  const response = await fetch(`${baseUrl}/runs/${runId}`, {
    headers: { authorization: 'Bearer bob-7e6d5c' },
  });
  expect(response.status).toBe(200);
  const view = JSON.parse(await response.text()) as RunView;
  expect(view.decisionTrail?.map((entry) => entry.subject)).toEqual([MALLORY, 'alice']);
  expect(view.decisionTrail?.[1]?.message).toBe(MESSAGE);
});

test('a decision on the rejected run says it ended rejected, exit 3', async () => {
  const late = await ferry(['approve', runId, '-m', 'after all']);
  expect(late.status).toBe(3);
  expect(late.stderr).toBe(
    `ferry: run ${runId} ended rejected; a decision is taken only while a run waits for one\n`,
  );
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
