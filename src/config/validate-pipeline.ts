import path from 'node:path';
import { checkDatasetFile, type DatasetCheckOptions } from './dataset-check';
import { readPipelineFile } from './pipeline-file';
import { parsePipelineText } from './pipeline-source';
import { checkPipelineRules, valid, type RuleOptions } from './pipeline-rules';
import { datasetSchema, pipelineSchema, type PipelineConfig } from './pipeline-schema';
import type { ConfigProblem } from './problem';
import { showValue } from './show-value';
import { problemsFromZod } from './zod-problems';

export type PipelineValidation =
  { ok: true; config: PipelineConfig; problems: [] } | { ok: false; problems: ConfigProblem[] };

export interface ValidateOptions extends RuleOptions, DatasetCheckOptions {}

/**
 * Validates an already-parsed pipeline (the HTTP API's body, or a parsed
 * file): structure, cross-field rules and the dataset on disk, all problems
 * at once. Only a pipeline with no problems yields a config.
 */
export async function validatePipeline(
  raw: unknown,
  options: ValidateOptions,
): Promise<PipelineValidation> {
  const result = await validateUncapped(raw, options);
  return result.ok ? result : { ok: false, problems: atMostShown(result.problems) };
}

async function validateUncapped(
  raw: unknown,
  options: ValidateOptions,
): Promise<PipelineValidation> {
  const notAMap = topLevelProblem(raw);
  if (notAMap) return { ok: false, problems: [notAMap] };
  const parsed = pipelineSchema.safeParse(raw, { reportInput: true });
  const problems = [
    ...(parsed.success ? [] : problemsFromZod(parsed.error.issues, pipelineSchema)),
    ...checkPipelineRules(raw, options),
    ...(await checkDataset(raw, options)),
  ];
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: parsed.data, problems: [] };
}

/** A pipeline is a map of keys; say what the file holds instead. */
function topLevelProblem(raw: unknown): ConfigProblem | undefined {
  const fix = 'start from examples/churn.yaml: a pipeline is a map of keys (name:, dataset:, ...)';
  if (raw === null || raw === undefined) {
    return { path: '', message: 'is empty: it holds no settings', fix };
  }
  if (Array.isArray(raw))
    return { path: '', message: 'is a list, but the top level must be a map of keys', fix };
  if (typeof raw !== 'object') {
    return {
      path: '',
      message: `is a single value (${showValue(raw)}), but the top level must be a map of keys`,
      fix,
    };
  }
  return undefined;
}

/** Reads, parses and validates a pipeline file; problems carry line numbers. */
export async function validatePipelineFile(
  file: string,
  options: RuleOptions = {},
): Promise<PipelineValidation> {
  const read = await readPipelineFile(file);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const source = parsePipelineText(read.text);
  if (source.syntaxProblems.length > 0) return { ok: false, problems: source.syntaxProblems };
  const result = await validateUncapped(source.raw, {
    ...options,
    baseDir: path.dirname(path.resolve(file)),
  });
  if (result.ok) return result;
  const located = result.problems.map((problem) => ({
    ...problem,
    ...source.locate(splitPath(problem.path)),
  }));
  return { ok: false, problems: atMostShown(located.sort(byPosition)) };
}

/** The dataset is checked only with a path and target that pass their own schema: a problem quoting them stays safe to print. */
async function checkDataset(raw: unknown, options: DatasetCheckOptions): Promise<ConfigProblem[]> {
  const datasetPath = valid(datasetSchema.shape.path, raw, ['dataset', 'path']);
  const target = valid(datasetSchema.shape.target, raw, ['dataset', 'target']);
  if (datasetPath === undefined) return [];
  return checkDatasetFile(datasetPath, target, options);
}

/**
 * A generated file can have thousands of problems (10,000 unknown keys); the
 * first ones say what is wrong, the rest would only flood the terminal or the
 * API answer.
 */
const MAX_PROBLEMS_SHOWN = 50;

function atMostShown(problems: ConfigProblem[]): ConfigProblem[] {
  if (problems.length <= MAX_PROBLEMS_SHOWN) return problems;
  const more = problems.length - MAX_PROBLEMS_SHOWN;
  return [
    ...problems.slice(0, MAX_PROBLEMS_SHOWN),
    {
      path: '',
      message: `has ${more} more problem${more === 1 ? '' : 's'} not listed here`,
      fix: 'fix the ones above and validate again',
    },
  ];
}

/** Problems read top to bottom, like the file (the sort is stable for equal lines). */
function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

function splitPath(dotted: string): (string | number)[] {
  return dotted
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
