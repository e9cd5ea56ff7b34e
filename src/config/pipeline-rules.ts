import type { z } from 'zod';
import { ALGORITHMS, type AlgorithmName, type HyperparameterSpec } from './algorithm-catalog';
import { parseDurationMs, formatDurationMs } from './duration';
import { parseGate } from './gate';
import {
  candidatesSchema,
  datasetSchema,
  gatesSchema,
  approvalSchema,
  hyperparameterValueSchema,
} from './pipeline-schema';
import { formatPath, type ConfigProblem, type PathSegment } from './problem';
import { quoteText } from './show-value';
import { didYouMean } from './suggest';
import { ALL_METRICS, metricsForTask, type Task } from '../evaluation/metric-names';

/**
 * Rules that span fields or sections. They read the raw file and check a rule
 * only when the fields it needs are themselves valid, so they add to the
 * schema's problems instead of hiding behind them.
 */
export interface RuleOptions {
  /**
   * Test-only: lets approval.timeout go below one minute so tests can watch a
   * run expire. Never set by the CLI or API for users.
   */
  allowShortApprovalTimeout?: boolean;
}

const MIN_APPROVAL_TIMEOUT_MS = 60_000;
const MAX_APPROVAL_TIMEOUT_MS = 30 * 24 * 3_600_000;

export function checkPipelineRules(raw: unknown, options: RuleOptions = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report = (path: PathSegment[], message: string, fix: string) =>
    problems.push({ path: formatPath(path), message, fix });

  const task = valid(datasetSchema.shape.task, raw, ['dataset', 'task']);
  const backend = at(raw, ['backend']) ?? 'local';

  checkObjective(raw, task, report);
  checkGates(raw, task, report);
  checkCandidates(raw, task, report);
  checkEvaluation(raw, report);
  checkApprovers(raw, report);
  checkApprovalTimeout(raw, options, report);
  checkDatasetAgainstTask(raw, task, report);
  checkBackend(raw, backend, report);
  return problems;
}

type Report = (path: PathSegment[], message: string, fix: string) => void;

function checkObjective(raw: unknown, task: Task | undefined, report: Report): void {
  const objective = at(raw, ['objective']);
  // An objective that is no metric at all is the schema's problem, not this rule's.
  if (task === undefined || !(ALL_METRICS as readonly unknown[]).includes(objective)) return;
  const fitting = metricsForTask(task);
  if ((fitting as readonly unknown[]).includes(objective)) return;
  report(
    ['objective'],
    `'${String(objective)}' does not apply to a ${task} task`,
    `use one of ${fitting.join(', ')}`,
  );
}

function checkGates(raw: unknown, task: Task | undefined, report: Report): void {
  const gates = valid(gatesSchema.shape.thresholds, raw, ['gates', 'thresholds']);
  gates?.forEach((text, index) => {
    const path = ['gates', 'thresholds', index];
    const parsed = parseGate(text);
    if (!parsed.ok && parsed.reason === 'syntax') {
      report(
        path,
        `(${quoteText(text)}) is not a gate`,
        `write a metric, an operator and a number, such as "roc_auc >= 0.80"`,
      );
      return;
    }
    const metric = parsed.ok ? parsed.gate.metric : parsed.metric;
    const known = task === undefined ? ALL_METRICS : metricsForTask(task);
    if (!(known as readonly string[]).includes(metric)) {
      const where = task === undefined ? '' : ` for a ${task} task`;
      report(
        path,
        `names unknown metric ${quoteText(metric)}${where}`,
        didYouMean(metric, known, `use one of ${known.join(', ')}`),
      );
    }
  });
}

function checkEvaluation(raw: unknown, report: Report): void {
  if (at(raw, ['evaluation', 'method']) === 'cv' && at(raw, ['evaluation', 'refit']) === false) {
    report(
      ['evaluation', 'refit'],
      'cannot be false with method cv: cross-validation leaves one model per fold, not one to register',
      'remove refit (cv always refits on train + validation), or use method: holdout',
    );
  }
}

function checkCandidates(raw: unknown, task: Task | undefined, report: Report): void {
  const count = valid(candidatesSchema.shape.count, raw, ['candidates', 'count']);
  const maxParallel = valid(candidatesSchema.shape.maxParallel, raw, ['candidates', 'maxParallel']);
  if (count !== undefined && maxParallel !== undefined && maxParallel > count) {
    report(
      ['candidates', 'maxParallel'],
      `(${maxParallel}) is above candidates.count (${count})`,
      `lower maxParallel to at most ${count}, or raise count`,
    );
  }
  const strategy = at(raw, ['candidates', 'strategy']) ?? 'random';
  const algorithms = at(raw, ['candidates', 'algorithms']);
  // The built-in spaces have ranges, which a grid cannot enumerate.
  if (strategy === 'grid' && algorithms === undefined && at(raw, ['candidates']) !== undefined) {
    report(
      ['candidates', 'algorithms'],
      'is needed by strategy: grid (the built-in search spaces have ranges, which a grid cannot enumerate)',
      'list the algorithms and the values to try, or use strategy: random or tpe',
    );
  }
  if (!Array.isArray(algorithms)) return;
  algorithms.forEach((choice, index) => {
    const name = at(choice, ['name']);
    if (typeof name !== 'string' || !(name in ALGORITHMS)) return;
    const specs: Record<string, HyperparameterSpec> =
      ALGORITHMS[name as AlgorithmName].hyperparameters;
    const hyperparameters = at(choice, ['hyperparameters']);
    if (strategy === 'grid' && hyperparameters === undefined) {
      report(
        ['candidates', 'algorithms', index, 'hyperparameters'],
        `is needed by strategy: grid (${name}'s built-in search space has ranges, which a grid cannot enumerate)`,
        'list the values to try, such as max_depth: [3, 5, 7], or use strategy: random or tpe',
      );
    }
    if (hyperparameters === null || typeof hyperparameters !== 'object') return;
    for (const [param, value] of Object.entries(hyperparameters)) {
      const path = ['candidates', 'algorithms', index, 'hyperparameters', param];
      const spec = specs[param];
      if (spec === undefined) {
        const known = Object.keys(specs);
        report(
          path,
          `is not a hyperparameter of ${name}`,
          didYouMean(param, known, `use one of ${known.join(', ')}`),
        );
        continue;
      }
      if (task !== undefined && spec.tasks !== undefined && !spec.tasks.includes(task)) {
        report(
          path,
          `applies to ${spec.tasks.join(' and ')} tasks, not ${task}`,
          `remove ${param} from ${name}`,
        );
        continue;
      }
      const parsed = hyperparameterValueSchema.safeParse(value);
      if (parsed.success) checkHyperparameter(path, parsed.data, spec, strategy, report);
    }
  });
}

function checkHyperparameter(
  path: PathSegment[],
  value: z.output<typeof hyperparameterValueSchema>,
  spec: HyperparameterSpec,
  strategy: unknown,
  report: Report,
): void {
  if (typeof value === 'number') {
    checkValueFits(path, value, spec, report);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkValueFits([...path, i], item, spec, report));
  } else {
    if (strategy === 'grid') {
      report(
        path,
        'is a range, which a grid search cannot enumerate',
        'list the values to try, such as [3, 5, 7], or use strategy: random or tpe',
      );
    }
    if (value.low >= value.high) {
      report(
        [...path, 'low'],
        `(${value.low}) is not below high (${value.high})`,
        'make low smaller than high',
      );
    }
    if (value.log && value.low <= 0) {
      report(
        [...path, 'low'],
        `(${value.low}) must be above 0 on a log scale`,
        'raise low above 0, or set log: false',
      );
    }
    checkValueFits([...path, 'low'], value.low, spec, report);
    checkValueFits([...path, 'high'], value.high, spec, report);
  }
}

function checkValueFits(
  path: PathSegment[],
  value: number,
  spec: HyperparameterSpec,
  report: Report,
): void {
  if (spec.kind === 'int' && !Number.isInteger(value)) {
    report(
      path,
      `(${value}) must be a whole number`,
      `use an integer such as ${Math.round(value)}`,
    );
    return;
  }
  const belowMin = spec.minExclusive ? value <= spec.min : value < spec.min;
  if (belowMin || (spec.max !== undefined && value > spec.max)) {
    const lower = spec.minExclusive ? `above ${spec.min}` : `at least ${spec.min}`;
    const upper = spec.max === undefined ? '' : ` and at most ${spec.max}`;
    report(
      path,
      `(${value}) is out of range for ${spec.description}`,
      `use a value ${lower}${upper}`,
    );
  }
}

function checkApprovers(raw: unknown, report: Report): void {
  const approvers = valid(approvalSchema.shape.approvers, raw, ['approval', 'approvers']);
  // With no approval section at all, "approval is required" says it; this would only repeat it.
  if (at(raw, ['approval']) === undefined) return;
  if (approvers !== undefined && approvers.length === 0) {
    report(
      ['approval', 'approvers'],
      'is empty, so nobody could approve a run',
      "name at least one approver, such as approvers: [alice], or leave it out when the model group's approval policy names them",
    );
  }
}

function checkApprovalTimeout(raw: unknown, options: RuleOptions, report: Report): void {
  const timeout = valid(approvalSchema.shape.timeout, raw, ['approval', 'timeout']);
  if (timeout === undefined || at(raw, ['approval', 'timeout']) === undefined) return;
  const timeoutMs = parseDurationMs(timeout);
  if (timeoutMs === undefined) return;
  const tooShort = timeoutMs < MIN_APPROVAL_TIMEOUT_MS && !options.allowShortApprovalTimeout;
  if (tooShort || timeoutMs > MAX_APPROVAL_TIMEOUT_MS) {
    report(
      ['approval', 'timeout'],
      `(${timeout} = ${formatDurationMs(timeoutMs)}) is outside 1 minute to 30 days`,
      'choose a timeout between 1m and 30d',
    );
  }
}

function checkDatasetAgainstTask(raw: unknown, task: Task | undefined, report: Report): void {
  if (task === undefined) return;
  if (task !== 'binary' && at(raw, ['dataset', 'positiveClass']) !== undefined) {
    report(
      ['dataset', 'positiveClass'],
      `only applies to binary tasks, not ${task}`,
      'remove positiveClass',
    );
  }
  if (task === 'regression' && at(raw, ['split', 'stratify']) === true) {
    report(
      ['split', 'stratify'],
      'cannot stratify a regression target',
      'remove stratify or set it to false',
    );
  }
}

function checkBackend(raw: unknown, backend: unknown, report: Report): void {
  const path = at(raw, ['dataset', 'path']);
  if (backend === 'sagemaker' && at(raw, ['sagemaker']) === undefined) {
    report(
      ['sagemaker'],
      'is required when backend is sagemaker',
      'add a sagemaker section with roleArn and bucket',
    );
  }
  if (backend === 'local' && typeof path === 'string' && path.startsWith('s3://')) {
    report(
      ['dataset', 'path'],
      `is an S3 URI, which the local backend cannot read`,
      'use a local CSV file, or set backend: sagemaker',
    );
  }
}

/** The value at a path in untyped input, or undefined. */
export function at(raw: unknown, path: readonly PathSegment[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PathSegment, unknown>)[key];
  }
  return node;
}

/** The value at a path when it passes its own schema (defaults applied), else undefined. */
export function valid<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  path: PathSegment[],
): z.output<T> | undefined {
  const parsed = schema.safeParse(at(raw, path));
  return parsed.success ? parsed.data : undefined;
}
