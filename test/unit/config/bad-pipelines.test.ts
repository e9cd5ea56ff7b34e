import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validatePipelineFile } from '../../../src/config/validate-pipeline';
import type { ConfigProblem } from '../../../src/config/problem';
import { validPipeline, writePipeline } from '../../fixtures/pipelines';

type Pipeline = Record<string, unknown>;

function setAt(target: Pipeline, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

async function problemsOf(pipeline: unknown): Promise<ConfigProblem[]> {
  const result = await validatePipelineFile(writePipeline(pipeline));
  expect(result.ok).toBe(false);
  return result.problems;
}

function expectProblem(problems: ConfigProblem[], problemPath: string, words: RegExp): void {
  const atPath = problems.filter((problem) => problem.path === problemPath);
  const described = problems.map((p) => `${p.path}: ${p.message}; ${p.fix}`).join('\n');
  expect({ problemPath, found: atPath.length > 0, described }).toEqual({
    problemPath,
    found: true,
    described,
  });
  expect(atPath.map((p) => `${p.message}; ${p.fix}`).join('\n')).toMatch(words);
}

/** [what is broken, the change, the path reported, the words of the error] */
const cases: [string, (p: Pipeline) => void, string, RegExp][] = [
  [
    'a missing target column name',
    (p) => setAt(p, 'dataset.target', undefined),
    'dataset.target',
    /is required; add target/,
  ],
  [
    'a misspelt top-level key',
    (p) => setAt(p, 'backnd', 'local'),
    'backnd',
    /not a known key; did you mean 'backend'/,
  ],
  [
    'a misspelt nested key',
    (p) => setAt(p, 'endpoint.maxReplica', 3),
    'endpoint.maxReplica',
    /did you mean 'maxReplicas'/,
  ],
  [
    'an unknown key with no near match',
    (p) => setAt(p, 'endpoint.zzz', 1),
    'endpoint.zzz',
    /remove it; keys allowed here: name, minReplicas/,
  ],
  [
    'a misspelt task',
    (p) => setAt(p, 'dataset.task', 'binarry'),
    'dataset.task',
    /must be one of binary, multiclass, regression; did you mean 'binary'/,
  ],
  [
    'minReplicas above maxReplicas',
    (p) => setAt(p, 'endpoint', { minReplicas: 3, maxReplicas: 2 }),
    'endpoint.maxReplicas',
    /\(2\) is below endpoint.minReplicas \(3\); raise maxReplicas or lower minReplicas/,
  ],
  [
    'maxParallel of zero',
    (p) => setAt(p, 'candidates.maxParallel', 0),
    'candidates.maxParallel',
    /\(0\) must be at least 1/,
  ],
  [
    'maxParallel above the candidate count',
    (p) => setAt(p, 'candidates.maxParallel', 9),
    'candidates.maxParallel',
    /\(9\) is above candidates.count \(4\)/,
  ],
  [
    'more than 250 candidates',
    (p) => setAt(p, 'candidates.count', 251),
    'candidates.count',
    /must be at most 250/,
  ],
  [
    'a fractional candidate count',
    (p) => setAt(p, 'candidates.count', 2.5),
    'candidates.count',
    /must be a whole number/,
  ],
  [
    'a dataset file that does not exist',
    (p) => setAt(p, 'dataset.path', 'nowhere/churn.csv'),
    'dataset.path',
    /does not exist .*relative path is read from the pipeline file's folder/,
  ],
  [
    'a dataset path that is a folder',
    (p) => setAt(p, 'dataset.path', path.dirname(String((p.dataset as Pipeline).path))),
    'dataset.path',
    /is a folder, not a CSV file/,
  ],
  [
    'a target that is not a column',
    (p) => setAt(p, 'dataset.target', 'Churn'),
    'dataset.target',
    /\('Churn'\) is not a column .*did you mean 'churn'/,
  ],
  [
    'an objective for another task',
    (p) => setAt(p, 'objective', 'rmse'),
    'objective',
    /'rmse' does not apply to a binary task; use one of roc_auc, pr_auc/,
  ],
  [
    'an unknown objective',
    (p) => setAt(p, 'objective', 'auc'),
    'objective',
    /must be one of roc_auc/,
  ],
  [
    'a range whose low is not below high',
    (p) =>
      setAt(p, 'candidates.algorithms', [
        { name: 'xgboost', hyperparameters: { eta: { low: 0.3, high: 0.1 } } },
      ]),
    'candidates.algorithms[0].hyperparameters.eta.low',
    /\(0.3\) is not below high \(0.1\)/,
  ],
  [
    'a fractional bound for an integer hyperparameter',
    (p) =>
      setAt(p, 'candidates.algorithms', [
        { name: 'xgboost', hyperparameters: { max_depth: { low: 2.5, high: 6 } } },
      ]),
    'candidates.algorithms[0].hyperparameters.max_depth.low',
    /must be a whole number; use an integer such as 3/,
  ],
  [
    'a misspelt hyperparameter',
    (p) => setAt(p, 'candidates.algorithms', [{ name: 'xgboost', hyperparameters: { etaa: 0.1 } }]),
    'candidates.algorithms[0].hyperparameters.etaa',
    /not a hyperparameter of xgboost; did you mean 'eta'/,
  ],
  [
    'a hyperparameter of another task',
    (p) => setAt(p, 'candidates.algorithms', [{ name: 'linear', hyperparameters: { alpha: 1 } }]),
    'candidates.algorithms[0].hyperparameters.alpha',
    /applies to regression tasks, not binary/,
  ],
  [
    'a hyperparameter outside its valid range',
    (p) =>
      setAt(p, 'candidates.algorithms', [
        { name: 'xgboost', hyperparameters: { subsample: [0.5, 1.5] } },
      ]),
    'candidates.algorithms[0].hyperparameters.subsample[1]',
    /\(1.5\) is out of range .*at most 1/,
  ],
  [
    'a log-scale range starting at zero',
    (p) =>
      setAt(p, 'candidates.algorithms', [
        { name: 'xgboost', hyperparameters: { gamma: { low: 0, high: 1, log: true } } },
      ]),
    'candidates.algorithms[0].hyperparameters.gamma.low',
    /must be above 0 on a log scale/,
  ],
  [
    'a range under grid search',
    (p) => setAt(p, 'candidates.strategy', 'grid'),
    'candidates.algorithms[0].hyperparameters.max_depth',
    /grid search cannot enumerate; list the values/,
  ],
  [
    'a misspelt algorithm',
    (p) => setAt(p, 'candidates.algorithms', [{ name: 'randomforest' }]),
    'candidates.algorithms[0].name',
    /did you mean 'random-forest'/,
  ],
  [
    'a hyperparameter that is text',
    (p) =>
      setAt(p, 'candidates.algorithms', [{ name: 'xgboost', hyperparameters: { eta: 'fast' } }]),
    'candidates.algorithms[0].hyperparameters.eta',
    /must be a number, or a section \{low, high, log\}, or a list/,
  ],
  [
    'no approvers',
    (p) => setAt(p, 'approval.approvers', []),
    'approval.approvers',
    /nobody could approve/,
  ],
  [
    'an approval timeout under a minute',
    (p) => setAt(p, 'approval.timeout', '30s'),
    'approval.timeout',
    /outside 1 minute to 30 days/,
  ],
  [
    'an approval timeout over 30 days',
    (p) => setAt(p, 'approval.timeout', '31d'),
    'approval.timeout',
    /\(31d = 31 days\) is outside 1 minute to 30 days/,
  ],
  [
    'an approval timeout that is not a duration',
    (p) => setAt(p, 'approval.timeout', 'soon'),
    'approval.timeout',
    /not a duration; write a number and a unit/,
  ],
  [
    'a zero latency SLO',
    (p) => setAt(p, 'loadTest.slo', { latencyP99Ms: 0 }),
    'loadTest.slo.latencyP99Ms',
    /\(0\) must be above 0/,
  ],
  [
    'a negative error-rate SLO',
    (p) => setAt(p, 'loadTest.slo', { latencyP99Ms: 100, maxErrorRate: -0.1 }),
    'loadTest.slo.maxErrorRate',
    /must be at least 0/,
  ],
  [
    'a load test longer than an hour in all',
    (p) =>
      setAt(
        p,
        'loadTest.phases',
        Array.from({ length: 20 }, () => ({ durationSeconds: 3600, ratePerSecond: 1 })),
      ),
    'loadTest.phases',
    /last 72000 s in all; a load test lasts at most 3600 s; shorten the phases/,
  ],
  [
    'a load test of more requests than a worker should hold',
    (p) => setAt(p, 'loadTest.phases', [{ durationSeconds: 600, ratePerSecond: 100_000 }]),
    'loadTest.phases',
    /send about 60,000,000 requests; a load test sends at most 5,000,000; lower the rates/,
  ],
  [
    'a split that does not add up',
    (p) => setAt(p, 'split', { train: 0.8, validation: 0.15, test: 0.15 }),
    'split.test',
    /add up to 1.1, not 1/,
  ],
  [
    'a gate on an unknown metric',
    (p) => setAt(p, 'gates', { thresholds: ['rocauc >= 0.8'] }),
    'gates.thresholds[0]',
    /unknown metric "rocauc" for a binary task; did you mean 'roc_auc'/,
  ],
  [
    'a gate that is not a comparison',
    (p) => setAt(p, 'gates', { thresholds: ['roc_auc is high'] }),
    'gates.thresholds[0]',
    /is not a gate; write a metric, an operator and a number/,
  ],
  [
    'the sagemaker backend without its settings',
    (p) => setAt(p, 'backend', 'sagemaker'),
    'sagemaker',
    /required when backend is sagemaker/,
  ],
  [
    'an S3 dataset on the local backend',
    (p) => setAt(p, 'dataset.path', 's3://bucket/churn.csv'),
    'dataset.path',
    /S3 URI, which the local backend cannot read/,
  ],
  [
    'a model group with underscores',
    (p) => setAt(p, 'modelGroup', 'churn_model'),
    'modelGroup',
    /letters, digits and hyphens/,
  ],
  [
    'a number written as text',
    (p) => setAt(p, 'endpoint.minReplicas', 'two'),
    'endpoint.minReplicas',
    /must be a number, not text \("two"\)/,
  ],
  [
    'a missing section',
    (p) => setAt(p, 'loadTest', undefined),
    'loadTest',
    /is required; add loadTest: a section \{arrival, phases, requestTimeoutMs, seed, ...\}/,
  ],
  [
    'a positive class on a multi-class task',
    (p) => setAt(p, 'dataset.task', 'multiclass'),
    'dataset.positiveClass',
    /only applies to binary tasks/,
  ],
  [
    'stairs without a final rate',
    (p) => setAt(p, 'loadTest.phases', [{ durationSeconds: 5, ratePerSecond: 5, steps: 3 }]),
    'loadTest.phases[0].steps',
    /needs toRatePerSecond/,
  ],
];

describe('a bad pipeline file', () => {
  test.each(cases)('reports %s', async (_title, breakIt, problemPath, words) => {
    const pipeline = validPipeline();
    breakIt(pipeline);
    expectProblem(await problemsOf(pipeline), problemPath, words);
  });

  test('the unbroken pipeline is valid, so each case above fails for its own reason', async () => {
    const result = await validatePipelineFile(writePipeline(validPipeline()));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  test('reports every problem at once, across sections', async () => {
    const pipeline = validPipeline();
    setAt(pipeline, 'backnd', 'local');
    setAt(pipeline, 'dataset.task', 'binarry');
    setAt(pipeline, 'candidates.count', 0);
    setAt(pipeline, 'endpoint', { minReplicas: 4, maxReplicas: 2 });
    setAt(pipeline, 'approval.approvers', []);
    setAt(pipeline, 'loadTest.slo', { latencyP99Ms: -1 });
    const paths = (await problemsOf(pipeline)).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'backnd',
        'dataset.task',
        'candidates.count',
        'endpoint.maxReplicas',
        'approval.approvers',
        'loadTest.slo.latencyP99Ms',
      ]),
    );
  });

  test('points each problem at its line in a YAML file', async () => {
    const file = writePipeline(validPipeline());
    const text = `${(await import('node:fs')).readFileSync(file, 'utf8')}`.replace(
      'maxReplicas: 2',
      'maxReplicas: 0',
    );
    writeFileSync(file, text);
    const result = await validatePipelineFile(file);
    const problem = result.problems.find((p) => p.path === 'endpoint.maxReplicas');
    const expectedLine = text.split('\n').findIndex((line) => line.includes('maxReplicas: 0')) + 1;
    expect(problem?.line).toBe(expectedLine);
  });

  test('reports a YAML syntax error with its line', async () => {
    const file = writePipeline(validPipeline());
    writeFileSync(file, 'name: churn\ndataset:\n  path: [unclosed\n  target: churn\n');
    const result = await validatePipelineFile(file);
    expect(result.ok).toBe(false);
    expect(result.problems[0]?.message).toMatch(/is not valid YAML or JSON/);
    expect(result.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  test('rejects a file whose top level is a list', async () => {
    const result = await validatePipelineFile(writePipeline([validPipeline()]));
    expect(result.problems[0]?.message).toMatch(/top level must be a map of keys/);
  });

  test('reports an empty dataset file', async () => {
    const pipeline = validPipeline();
    const file = writePipeline(pipeline);
    const empty = path.join(path.dirname(file), 'data', 'empty.csv');
    mkdirSync(path.dirname(empty), { recursive: true });
    writeFileSync(empty, '');
    setAt(pipeline, 'dataset.path', 'data/empty.csv');
    writeFileSync(file, JSON.stringify(pipeline));
    const result = await validatePipelineFile(file);
    expectProblem(result.problems, 'dataset.path', /is empty or has no header row/);
  });

  test('reads a JSON pipeline with the same rules', async () => {
    const pipeline = validPipeline();
    setAt(pipeline, 'endpoint.maxReplicas', 0);
    const result = await validatePipelineFile(writePipeline(pipeline, 'json'));
    expectProblem(result.problems, 'endpoint.maxReplicas', /must be at least 1/);
    expect(result.problems[0]?.line).toBeDefined();
  });

  test('allows a short approval timeout only with the test-only override', async () => {
    const pipeline = validPipeline();
    setAt(pipeline, 'approval.timeout', '5s');
    const file = writePipeline(pipeline);
    expect((await validatePipelineFile(file)).ok).toBe(false);
    expect((await validatePipelineFile(file, { allowShortApprovalTimeout: true })).ok).toBe(true);
  });
});
