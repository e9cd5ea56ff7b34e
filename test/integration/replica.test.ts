import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse/sync';
import type { Predictions } from '../../src/backends/trainer';
import { PYTHON, pythonEnv } from '../../src/python/python-paths';
import { WarmRunner } from '../../src/python/warm-runner';
import {
  pingReplica,
  REPLICA_HOST_SCRIPT,
  ReplicaStartError,
  startReplica,
  type ReplicaProcess,
} from '../../src/backends/local/hosting/replica';
import { trainPenguinsModel } from '../fixtures/trained-model';

/**
 * One replica of a real model: penguins split by prepareData, a logistic
 * regression trained by the local trainer, served by algorithms/host/serve.py.
 */

const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output');
const TARGET = 'species';
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];

type Classified = Extract<Predictions, { classes: string[] }>;

interface Reply {
  status: number;
  contentType: string | undefined;
  body: string;
  isReusedSocket: boolean;
}

let workDir: string;
let modelDir: string;
let testCsv: string;
let testRows: Record<string, string>[];
let expected: Classified;
let replica: ReplicaProcess;

beforeAll(async () => {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  workDir = mkdtempSync(path.join(OUTPUT_DIR, 'replica-'));
  const trained = await trainPenguinsModel(workDir);
  const { prepared, trainer } = trained;
  const controls = { signal: new AbortController().signal, onProgress: () => undefined };
  modelDir = trained.modelDir;
  const testFile = path.join(prepared.channels.test, 'test.csv');
  testCsv = readFileSync(testFile, 'utf8');
  testRows = parse<Record<string, string>>(testCsv, { columns: true });
  let predictions: Predictions;
  [predictions, replica] = await Promise.all([
    trainer.predict(
      {
        jobName: 'replica-batch',
        algorithm: 'linear',
        modelDir,
        inputFile: testFile,
        workDir: path.join(workDir, 'batch'),
      },
      controls,
    ),
    startReplica({ algorithm: 'linear', modelDir }),
  ]);
  if (!('classes' in predictions)) throw new Error('batch predictions are not classifications');
  expected = predictions;
}, 60_000);

afterAll(async () => {
  await replica?.stop();
  await WarmRunner.stopShared();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function send(
  url: string,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    agent?: http.Agent;
  },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(options.path ?? '/invocations', url),
      {
        method: options.method ?? 'POST',
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'],
            body,
            isReusedSocket: request.reusedSocket,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

function invoke(body: string, contentType: string, accept = 'application/json'): Promise<Reply> {
  return send(replica.url, { headers: { 'Content-Type': contentType, Accept: accept }, body });
}

function features(row: Record<string, string>): string[] {
  return Object.keys(row).filter((name) => name !== TARGET);
}

function expectBatchPredictions(reply: Reply): void {
  expect(reply.status).toBe(200);
  expect(reply.contentType).toBe('application/json');
  const actual = JSON.parse(reply.body) as Classified;
  expect(actual.classes).toEqual(CLASSES);
  expect(actual.probabilities).toHaveLength(testRows.length);
  for (const row of actual.probabilities) {
    expect(row.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
  }
  for (const label of actual.labels) expect(CLASSES).toContain(label);
  expect(actual.labels).toEqual(expected.labels);
  actual.probabilities.forEach((row, i) =>
    row.forEach((p, j) => expect(p).toBeCloseTo(expected.probabilities[i]?.[j] ?? NaN, 12)),
  );
}

/** Running and not a zombie (an exited process nobody reaped yet is gone for our purposes). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

test('answers GET /ping with 200 on the port it announced', async () => {
  expect(replica.url).toBe(`http://127.0.0.1:${replica.port}`);
  expect(await pingReplica(replica.url, 2_000)).toBe(true);
  const reply = await send(replica.url, { method: 'GET', path: '/ping' });
  expect(reply.status).toBe(200);
});

test('predicts CSV rows with a header row as the batch prediction path does', async () => {
  expectBatchPredictions(await invoke(testCsv, 'text/csv'));
});

test('predicts headerless CSV rows in feature order as the batch path does', async () => {
  const csv = testRows
    .map((row) =>
      features(row)
        .map((name) => row[name])
        .join(','),
    )
    .join('\n');
  expectBatchPredictions(await invoke(csv, 'text/csv'));
});

test('predicts JSON rows as the batch path does', async () => {
  const instances = testRows.map((row) =>
    Object.fromEntries(
      features(row).map((name) => {
        const value = row[name] ?? '';
        const number = Number(value);
        return [name, value === '' ? null : Number.isNaN(number) ? value : number];
      }),
    ),
  );
  expectBatchPredictions(await invoke(JSON.stringify({ instances }), 'application/json'));
});

test('answers text/csv when the client accepts it', async () => {
  const reply = await invoke(testCsv, 'text/csv', 'text/csv');
  expect(reply.status).toBe(200);
  expect(reply.contentType).toBe('text/csv');
  const lines = reply.body.trimEnd().split('\n');
  expect(lines).toHaveLength(testRows.length);
  for (const line of lines) {
    expect(line.split(',').reduce((sum, p) => sum + Number(p), 0)).toBeCloseTo(1, 9);
  }
});

test('keeps the connection alive between requests', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const headers = { 'Content-Type': 'text/csv' };
    const row = testCsv.split('\n').slice(0, 2).join('\n');
    const first = await send(replica.url, { headers, body: row, agent });
    const second = await send(replica.url, { headers, body: row, agent });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.isReusedSocket).toBe(false);
    expect(second.isReusedSocket).toBe(true);
  } finally {
    agent.destroy();
  }
});

test('rejects an unsupported content type with 400 and a JSON error naming it', async () => {
  const reply = await invoke('a=1', 'application/x-www-form-urlencoded');
  expect(reply.status).toBe(400);
  expect(reply.contentType).toBe('application/json');
  expect((JSON.parse(reply.body) as { error: string }).error).toContain(
    "unsupported content type 'application/x-www-form-urlencoded'",
  );
});

test('rejects malformed rows and an unsupported accept type with 400', async () => {
  const errorOf = async (reply: Promise<Reply>) => {
    const { status, body } = await reply;
    expect(status).toBe(400);
    return (JSON.parse(body) as { error: string }).error;
  };
  expect(await errorOf(invoke('Biscoe,40\nDream', 'text/csv'))).toMatch(/CSV row 2 has 1 fields/);
  expect(await errorOf(invoke('Biscoe,forty,18,190,3800,male', 'text/csv'))).toMatch(
    /column 'bill_length_mm' is numeric but row 1 has 'forty'/,
  );
  expect(await errorOf(invoke('{"instances": [', 'application/json'))).toMatch(/does not parse/);
  expect(await errorOf(invoke(testCsv, 'text/csv', 'application/xml'))).toMatch(
    /unsupported accept type 'application\/xml'/,
  );
});

test('answers 404 for other paths and 405 for other methods', async () => {
  expect((await send(replica.url, { method: 'GET', path: '/models' })).status).toBe(404);
  expect((await send(replica.url, { method: 'GET', path: '/invocations' })).status).toBe(405);
  expect((await send(replica.url, { method: 'POST', path: '/ping', body: 'x' })).status).toBe(405);
});

test('fails to start on a folder without a model, with the host explaining why', async () => {
  const empty = mkdtempSync(path.join(workDir, 'empty-model-'));
  const error = await startReplica({ algorithm: 'linear', modelDir: empty }).catch(
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ReplicaStartError);
  const message = (error as ReplicaStartError).message;
  expect(message).toContain(`replica of linear (model ${empty}) exited (code 2)`);
  expect(message).toMatch(/model_fn cannot load a model from .*model\.joblib/);

  const missing = path.join(workDir, 'no-such-model');
  await expect(startReplica({ algorithm: 'linear', modelDir: missing })).rejects.toThrow(
    `--model-dir ${missing} is not a folder`,
  );
});

test('exits with whatever it started as soon as its parent is killed', async () => {
  // A model whose model_fn starts a process of its own: that one must go too.
  const codeDir = mkdtempSync(path.join(workDir, 'forking-algorithm-'));
  writeFileSync(
    path.join(codeDir, 'inference.py'),
    [
      'import subprocess, sys',
      'def model_fn(model_dir):',
      '    child = subprocess.Popen(["sleep", "300"])',
      '    print(f"[test] child pid={child.pid}", file=sys.stderr, flush=True)',
      'def input_fn(body, content_type): return body',
      'def predict_fn(data, model): return data',
      'def output_fn(prediction, accept): return prediction',
      '',
    ].join('\n'),
  );
  // A stand-in for the endpoint host that dies without stopping its replica:
  // it starts the replica as startReplica does (its own group, stdin a pipe
  // from the parent), and passes its stderr on to this test.
  const parent = spawn(
    process.execPath,
    [
      '-e',
      `require('node:child_process').spawn(process.argv[1], process.argv.slice(2),
         { stdio: ['pipe', 'inherit', 'inherit'], detached: true });
       setInterval(() => {}, 1000);`,
      PYTHON,
      REPLICA_HOST_SCRIPT,
      ...['--code-dir', codeDir, '--model-dir', modelDir, '--exit-with-stdin'],
    ],
    { env: { ...process.env, ...pythonEnv({}) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<string>((resolve) =>
    createInterface({ input: parent.stdout }).once('line', resolve),
  );
  const replicaPid = Number(/pid=(\d+)/.exec(ready)?.[1]);
  // Its stderr is another pipe: the line may come after the ready line.
  await waitUntil(() => stderr.includes('[test] child pid='), 5_000);
  const childPid = Number(/\[test\] child pid=(\d+)/.exec(stderr)?.[1]);
  try {
    expect(isRunning(replicaPid)).toBe(true);
    expect(isRunning(childPid)).toBe(true);
    parent.kill('SIGKILL');
    const killedAtMs = Date.now();
    expect(await waitUntil(() => !isRunning(replicaPid) && !isRunning(childPid), 5_000)).toBe(true);
    // Promptly: the closed pipe wakes it, no polling interval to wait out.
    expect(Date.now() - killedAtMs).toBeLessThan(1_000);
    await waitUntil(() => stderr.includes('stopping'), 1_000);
    expect(stderr).toContain("[ferry] replica's host is gone (stdin closed); stopping");
  } finally {
    for (const pid of [replicaPid, childPid]) {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
    parent.stdout.destroy();
    parent.stderr.destroy();
  }
});

test('stops on stop(): SIGTERM ends it promptly with exit code 0, idle connections or not', async () => {
  // A router keeps idle keep-alive connections open; they must not hold the replica up.
  const agent = new http.Agent({ keepAlive: true });
  await send(replica.url, { method: 'GET', path: '/ping', agent });
  const startedMs = Date.now();
  await replica.stop();
  agent.destroy();
  expect(Date.now() - startedMs).toBeLessThan(2_000);
  expect(replica.isAlive()).toBe(false);
  expect(await replica.exited).toEqual({ code: 0, signal: null });
  expect(isRunning(replica.pid)).toBe(false);
  expect(await pingReplica(replica.url, 1_000)).toBe(false);
  await replica.stop(); // idempotent
});
