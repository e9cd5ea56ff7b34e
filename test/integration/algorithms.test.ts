import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parse } from 'csv-parse/sync';
import type { RunnerEvent } from '../../src/python/warm-runner';

/**
 * The Python side of training and serving (algorithms/), run for real: every
 * algorithm x task through train.py under SageMaker's script-mode environment,
 * then batch_predict.py over held-out rows, then the warm runner from Node the
 * way the local backend drives it.
 */

const ROOT = path.resolve(__dirname, '../..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const ALGORITHMS_DIR = path.join(ROOT, 'algorithms');
const COMMON_DIR = path.join(ALGORITHMS_DIR, 'common');
const DATA_DIR = path.resolve(ROOT, '..', 'shared', 'data');
const WORK_DIR = path.join(ROOT, 'test-output', 'algorithms');
const METRIC_LINE = /^\[ferry\] metric validation:(\w+)=([-+0-9.eE]+|nan)$/gm;

type Task = 'binary' | 'multiclass' | 'regression';

interface Dataset {
  file: string;
  target: string;
  rows?: number;
  args: string[];
  classes?: string[];
  /** Sane bounds per validation metric, in the order train.py prints them. */
  metrics: Record<string, [min: number, max: number]>;
}

const DATASETS: Record<Task, Dataset> = {
  binary: {
    file: 'wa_churn.csv',
    target: 'churn',
    rows: 1500,
    // 'No' sorts first, so this also checks that --positive_class moves it to classes[1].
    args: ['--positive_class', 'No'],
    classes: ['Yes', 'No'],
    metrics: { roc_auc: [0.7, 1], log_loss: [0, 0.7], accuracy: [0.7, 1] },
  },
  multiclass: {
    file: 'penguins.csv',
    target: 'species',
    args: [],
    classes: ['Adelie', 'Chinstrap', 'Gentoo'],
    metrics: { accuracy: [0.8, 1], log_loss: [0, 0.5], f1_macro: [0.75, 1] },
  },
  regression: {
    file: 'ames.csv',
    target: 'Sale_Price',
    rows: 800,
    args: [],
    metrics: { rmse: [1000, 80_000], mae: [1000, 60_000], r2: [0.5, 1] },
  },
};

/** Small settings so the whole matrix trains in seconds. */
const ALGORITHMS: Record<string, string[]> = {
  xgboost: ['--num_round', '30', '--max_depth', '4'],
  linear: [],
  'random-forest': ['--n_estimators', '40', '--min_samples_leaf', '2'],
  'hist-gradient-boosting': ['--max_iter', '40'],
};

const TASKS = Object.keys(DATASETS) as Task[];
const CASES = Object.keys(ALGORITHMS).flatMap((algorithm) =>
  TASKS.map((task) => [algorithm, task] as [string, Task]),
);

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function dataDir(task: Task): string {
  return path.join(WORK_DIR, 'data', task);
}

function caseDir(algorithm: string, task: Task): string {
  return path.join(WORK_DIR, 'runs', `${algorithm}-${task}`);
}

/** A deterministic 70/15/15 split by line position (these files have no multi-line fields). */
function writeSplit(task: Task): void {
  const dataset = DATASETS[task];
  const [header, ...rows] = readFileSync(path.join(DATA_DIR, dataset.file), 'utf8')
    .trimEnd()
    .split('\n');
  const parts: Record<'train' | 'validation' | 'test', string[]> = {
    train: [],
    validation: [],
    test: [],
  };
  rows.slice(0, dataset.rows ?? rows.length).forEach((row, index) => {
    const slot = index % 20;
    parts[slot < 3 ? 'test' : slot < 6 ? 'validation' : 'train'].push(row);
  });
  for (const [part, lines] of Object.entries(parts)) {
    mkdirSync(path.join(dataDir(task), part), { recursive: true });
    writeFileSync(
      path.join(dataDir(task), part, `${part}.csv`),
      [header, ...lines].join('\n') + '\n',
    );
  }
}

function trainingEnv(task: Task, outDir: string): Record<string, string> {
  return {
    SM_CHANNEL_TRAIN: path.join(dataDir(task), 'train'),
    SM_CHANNEL_VALIDATION: path.join(dataDir(task), 'validation'),
    SM_MODEL_DIR: path.join(outDir, 'model'),
    SM_OUTPUT_DATA_DIR: path.join(outDir, 'output'),
    SM_NUM_CPUS: '1',
    PYTHONPATH: COMMON_DIR,
  };
}

function trainingArgs(algorithm: string, task: Task): string[] {
  const dataset = DATASETS[task];
  return [
    '--target',
    dataset.target,
    '--task',
    task,
    ...dataset.args,
    ...(ALGORITHMS[algorithm] ?? []),
  ];
}

function runPython(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function metricsOf(output: string): [string, number][] {
  return [...output.matchAll(METRIC_LINE)].map((m) => [m[1] ?? '', Number(m[2])]);
}

/** Runs the tasks `limit` at a time: 2 cores, one thread per training. */
async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task) results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

interface CaseResult {
  train: RunResult;
  predict: RunResult;
}

const results = new Map<string, CaseResult>();

beforeAll(async () => {
  rmSync(WORK_DIR, { recursive: true, force: true });
  TASKS.forEach(writeSplit);
  await inParallel(
    CASES.map(([algorithm, task]) => async () => {
      const outDir = caseDir(algorithm, task);
      const train = await runPython(
        [path.join(ALGORITHMS_DIR, algorithm, 'train.py'), ...trainingArgs(algorithm, task)],
        trainingEnv(task, outDir),
      );
      const predict = await runPython([
        path.join(COMMON_DIR, 'batch_predict.py'),
        ...['--algorithm-dir', path.join(ALGORITHMS_DIR, algorithm)],
        ...['--model-dir', path.join(outDir, 'model')],
        ...['--input', path.join(dataDir(task), 'test', 'test.csv')],
        ...['--output', path.join(outDir, 'predictions.json')],
      ]);
      results.set(`${algorithm}-${task}`, { train, predict });
    }),
    2,
  );
}, 120_000);

describe('train.py under the SageMaker script-mode contract', () => {
  test.each(CASES)(
    '%s %s trains, prints its validation metrics and saves model.joblib',
    (algorithm, task) => {
      const result = results.get(`${algorithm}-${task}`)?.train;
      expect(result?.stderr).toBe('');
      expect(result?.code).toBe(0);
      const stdout = result?.stdout ?? '';
      expect(stdout).toMatch(/^\[ferry\] progress fitting 0\.2$/m);
      expect(stdout).toMatch(/^\[ferry\] progress done 1\.0$/m);
      const metrics = metricsOf(stdout);
      expect(metrics.map(([name]) => name)).toEqual(Object.keys(DATASETS[task].metrics));
      for (const [name, value] of metrics) {
        const [min, max] = DATASETS[task].metrics[name] ?? [NaN, NaN];
        expect({ name, value, isSane: value >= min && value <= max }).toEqual({
          name,
          value,
          isSane: true,
        });
      }
      const outDir = caseDir(algorithm, task);
      expect(existsSync(path.join(outDir, 'model', 'model.joblib'))).toBe(true);
      const written = JSON.parse(
        readFileSync(path.join(outDir, 'output', 'metrics.json'), 'utf8'),
      ) as { validation: Record<string, number> };
      expect(Object.entries(written.validation)).toEqual(metrics);
    },
  );

  test('exits 2 naming a target column that is not in the data', async () => {
    const result = await runPython(
      [path.join(ALGORITHMS_DIR, 'linear', 'train.py'), '--target', 'churned', '--task', 'binary'],
      trainingEnv('binary', path.join(WORK_DIR, 'runs', 'bad-target')),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^error: target column 'churned' is not in the train data; pass --target with one of: churn, /,
    );
    expect(metricsOf(result.stdout)).toEqual([]);
  });

  test('exits 2 for an unknown hyperparameter, as argparse does', async () => {
    const result = await runPython(
      [
        path.join(ALGORITHMS_DIR, 'xgboost', 'train.py'),
        ...trainingArgs('xgboost', 'binary'),
        '--etaa',
        '0.1',
      ],
      trainingEnv('binary', path.join(WORK_DIR, 'runs', 'bad-argument')),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unrecognized arguments: --etaa 0\.1/);
  });
});

describe('batch_predict.py over the test split', () => {
  test.each(CASES)('%s %s predicts every test row', (algorithm, task) => {
    const result = results.get(`${algorithm}-${task}`)?.predict;
    expect(result?.stderr).toBe('');
    expect(result?.code).toBe(0);
    expect(result?.stdout).toMatch(/^\[ferry\] progress done 1\.0$/m);

    const test = parse<Record<string, string>>(
      readFileSync(path.join(dataDir(task), 'test', 'test.csv'), 'utf8'),
      { columns: true },
    );
    const truth = test.map((row) => row[DATASETS[task].target] ?? '');
    const output = JSON.parse(
      readFileSync(path.join(caseDir(algorithm, task), 'predictions.json'), 'utf8'),
    ) as {
      classes?: string[];
      probabilities?: number[][];
      labels?: string[];
      predictions?: number[];
    };

    if (task === 'regression') {
      const predictions = output.predictions ?? [];
      expect(predictions).toHaveLength(test.length);
      // R² on the test rows: proves predictions line up with their rows.
      const actual = truth.map(Number);
      const mean = actual.reduce((sum, y) => sum + y, 0) / actual.length;
      const residual = actual.reduce((sum, y, i) => sum + (y - (predictions[i] ?? 0)) ** 2, 0);
      const total = actual.reduce((sum, y) => sum + (y - mean) ** 2, 0);
      expect(1 - residual / total).toBeGreaterThan(0.5);
      return;
    }
    expect(output.classes).toEqual(DATASETS[task].classes);
    const probabilities = output.probabilities ?? [];
    expect(probabilities).toHaveLength(test.length);
    for (const row of probabilities) {
      expect(row).toHaveLength(output.classes?.length ?? 0);
      expect(row.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
    }
    const labels = output.labels ?? [];
    expect(labels).toHaveLength(test.length);
    const accuracy = labels.filter((label, i) => label === truth[i]).length / test.length;
    expect(accuracy).toBeGreaterThan(0.7);
  });
});

/**
 * Calls each algorithm's inference.py the way the inference toolkit does, on
 * the same two rows (the second mostly missing) in three request shapes.
 * One Python process for all four algorithms: start-up is the slow part.
 */
const INFERENCE_CHECK = `
import importlib.util, json, sys
JSON_BODY = json.dumps({"instances": [
    {"island": "Biscoe", "bill_length_mm": 47.5, "bill_depth_mm": 14.2, "flipper_length_mm": 218,
     "body_mass_g": 5000, "sex": "female"},
    {"island": "Torgersen", "bill_length_mm": None, "sex": None},
]})
CSV_BODY = b"Biscoe,47.5,14.2,218,5000,female\\nTorgersen,,,,,\\n"
HEADER_CSV_BODY = "sex,species,body_mass_g,island,bill_length_mm,bill_depth_mm,flipper_length_mm\\n" \\
    "female,Gentoo,5000,Biscoe,47.5,14.2,218\\n,,,Torgersen,,,\\n"

def check(algorithm_dir, model_dir):
    sys.path.insert(0, algorithm_dir)
    spec = importlib.util.spec_from_file_location("inference_" + str(len(sys.path)), algorithm_dir + "/inference.py")
    inference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(inference)
    model = inference.model_fn(model_dir)

    def serve(body, content_type, accept):
        rows = inference.input_fn(body, content_type)
        return inference.output_fn(inference.predict_fn(rows, model), accept)

    try:
        inference.input_fn("x", "text/plain")
        unsupported = None
    except ValueError as error:
        unsupported = str(error)
    return {
        "json": json.loads(serve(JSON_BODY, "application/json", "application/json")),
        "csv": serve(CSV_BODY, "text/csv", "text/csv"),
        "headerCsv": json.loads(serve(HEADER_CSV_BODY, "text/csv", "application/json")),
        "unsupported": unsupported,
    }

args = sys.argv[1:]
print(json.dumps({d.rsplit("/", 1)[1]: check(d, m) for d, m in zip(args[::2], args[1::2])}))
`;

interface InferenceCheck {
  json: { classes: string[]; probabilities: number[][]; labels: string[] };
  csv: string;
  headerCsv: { probabilities: number[][] };
  unsupported: string | null;
}

describe('inference.py (SageMaker inference toolkit functions)', () => {
  let checks: Record<string, InferenceCheck> = {};

  beforeAll(async () => {
    const models = Object.keys(ALGORITHMS).flatMap((algorithm) => [
      path.join(ALGORITHMS_DIR, algorithm),
      path.join(caseDir(algorithm, 'multiclass'), 'model'),
    ]);
    const result = await runPython(['-c', INFERENCE_CHECK, ...models], { PYTHONPATH: COMMON_DIR });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    checks = JSON.parse(result.stdout) as Record<string, InferenceCheck>;
  });

  test.each(Object.keys(ALGORITHMS))(
    '%s takes JSON, header-less CSV and header CSV bodies with missing values',
    (algorithm) => {
      const checked = checks[algorithm];
      expect(checked?.json.classes).toEqual(DATASETS.multiclass.classes);
      expect(checked?.json.labels).toHaveLength(2);
      expect(checked?.json.labels[0]).toBe('Gentoo');
      const csvRows = checked?.csv.trimEnd().split('\n') ?? [];
      expect(csvRows).toHaveLength(2);
      // The same two rows give the same probabilities whatever the request shape.
      expect(csvRows.map((line) => line.split(',').map(Number))).toEqual(
        checked?.json.probabilities,
      );
      expect(checked?.headerCsv.probabilities).toEqual(checked?.json.probabilities);
      expect(checked?.unsupported).toMatch(/text\/plain.*text\/csv or application\/json/);
    },
  );
});

/** Drives warm_runner.py over its JSON-lines protocol. */
class WarmRunner {
  private readonly events: RunnerEvent[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      this.events.push(JSON.parse(line) as RunnerEvent);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(): WarmRunner {
    return new WarmRunner(
      spawn(PYTHON, [path.join(COMMON_DIR, 'warm_runner.py')], {
        cwd: ROOT,
        env: { ...process.env, PYTHONPATH: COMMON_DIR },
      }),
    );
  }

  send(request: object | string): void {
    this.child.stdin.write(
      (typeof request === 'string' ? request : JSON.stringify(request)) + '\n',
    );
  }

  /** The first event, seen or still to come, that matches. */
  async next(matches: (event: RunnerEvent) => boolean, timeoutMs = 30_000): Promise<RunnerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such runner event in ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
  }

  exitOf(id: string): Promise<RunnerEvent> {
    return this.next((e) => e.event === 'exited' && e.id === id);
  }
}

describe('warm_runner.py', () => {
  let runner: WarmRunner | undefined;

  afterAll(() => {
    // Closing stdin makes the runner stop its jobs and exit; a no-op if a test already did.
    runner?.child.stdin.end();
  });

  test('runs jobs, reports their exits, kills a job by its group and exits on stdin EOF', async () => {
    const scriptsDir = path.join(WORK_DIR, 'runner');
    mkdirSync(scriptsDir, { recursive: true });
    writeFileSync(path.join(scriptsDir, 'raises.py'), 'raise RuntimeError("boom")\n');
    writeFileSync(path.join(scriptsDir, 'sleeps.py'), 'import time\ntime.sleep(60)\n');
    const job = (id: string, algorithm: string, task: Task): object => ({
      id,
      script: path.join(ALGORITHMS_DIR, algorithm, 'train.py'),
      argv: trainingArgs(algorithm, task),
      env: trainingEnv(task, path.join(scriptsDir, id)),
      cwd: scriptsDir,
      log: path.join(scriptsDir, `${id}.log`),
    });

    runner = WarmRunner.start();
    const ready = await runner.next((e) => e.event === 'ready');
    expect(ready.pid).toBe(runner.child.pid);

    // Two trainings at once, the same as two of the cold runs above.
    runner.send(job('churn-xgboost', 'xgboost', 'binary'));
    runner.send(job('penguins-linear', 'linear', 'multiclass'));
    runner.send('{"id": "half a request"');
    runner.send({ id: 'no-script', log: path.join(scriptsDir, 'x.log') });
    runner.send({
      id: 'raises',
      script: path.join(scriptsDir, 'raises.py'),
      log: path.join(scriptsDir, 'raises.log'),
    });

    const started = await runner.next((e) => e.event === 'started' && e.id === 'churn-xgboost');
    expect(started.pid).toEqual(expect.any(Number));
    expect(await runner.next((e) => e.event === 'error' && e.id === null)).toMatchObject({
      message: expect.stringMatching(/^bad request: /) as unknown,
    });
    expect(await runner.next((e) => e.event === 'error' && e.id === 'no-script')).toMatchObject({
      message: "bad request: 'script' must be a non-empty string",
    });
    for (const [id, algorithm, task] of [
      ['churn-xgboost', 'xgboost', 'binary'],
      ['penguins-linear', 'linear', 'multiclass'],
    ] as const) {
      expect(await runner.exitOf(id)).toMatchObject({ code: 0 });
      const log = readFileSync(path.join(scriptsDir, `${id}.log`), 'utf8');
      // Same seed, same data: the warm job prints exactly what the cold process did.
      const cold = results.get(`${algorithm}-${task}`)?.train.stdout ?? '';
      expect(metricsOf(log)).toEqual(metricsOf(cold));
      expect(metricsOf(log)).toHaveLength(3);
      expect(existsSync(path.join(scriptsDir, id, 'model', 'model.joblib'))).toBe(true);
    }
    expect(await runner.exitOf('raises')).toMatchObject({ code: 1 });
    expect(readFileSync(path.join(scriptsDir, 'raises.log'), 'utf8')).toMatch(/RuntimeError: boom/);

    // Kill a running job's whole process group, as the local backend cancels one.
    runner.send({
      id: 'sleeps',
      script: path.join(scriptsDir, 'sleeps.py'),
      log: path.join(scriptsDir, 'sleeps.log'),
    });
    const sleeper = await runner.next((e) => e.event === 'started' && e.id === 'sleeps');
    const sleeperPid = sleeper.pid ?? 0;
    expect(sleeperPid).toBeGreaterThan(0);
    process.kill(-sleeperPid, 'SIGKILL');
    expect(await runner.exitOf('sleeps')).toMatchObject({ pid: sleeperPid, code: -9 });

    runner.child.stdin.end();
    expect(await runner.exited).toBe(0);
  });
});
