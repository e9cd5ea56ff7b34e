import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkDatasetFile, type DatasetCheckOptions } from './dataset-check';
import { parsePipelineText } from './pipeline-source';
import { at, checkPipelineRules, type RuleOptions } from './pipeline-rules';
import { pipelineSchema, type PipelineConfig } from './pipeline-schema';
import type { ConfigProblem } from './problem';
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
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [
        {
          path: '',
          message: 'is not a pipeline: the top level must be a map of keys',
          fix: 'start from examples/churn.yaml',
        },
      ],
    };
  }
  const parsed = pipelineSchema.safeParse(raw, { reportInput: true });
  const problems = [
    ...(parsed.success ? [] : problemsFromZod(parsed.error.issues, pipelineSchema)),
    ...checkPipelineRules(raw, options),
    ...(await checkDataset(raw, options)),
  ];
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: parsed.data, problems: [] };
}

/** Reads, parses and validates a pipeline file; problems carry line numbers. */
export async function validatePipelineFile(
  file: string,
  options: RuleOptions = {},
): Promise<PipelineValidation> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder'
          : `cannot be read (${code ?? 'error'})`;
    return {
      ok: false,
      problems: [
        { path: '', message: `${reason}`, fix: 'give the path of a pipeline file (YAML or JSON)' },
      ],
    };
  }
  const source = parsePipelineText(text);
  if (source.syntaxProblems.length > 0) return { ok: false, problems: source.syntaxProblems };
  const result = await validatePipeline(source.raw, {
    ...options,
    baseDir: path.dirname(path.resolve(file)),
  });
  if (result.ok) return result;
  const located = result.problems.map((problem) => ({
    ...problem,
    ...source.locate(splitPath(problem.path)),
  }));
  return { ok: false, problems: located.sort(byPosition) };
}

async function checkDataset(raw: unknown, options: DatasetCheckOptions): Promise<ConfigProblem[]> {
  const datasetPath = at(raw, ['dataset', 'path']);
  const target = at(raw, ['dataset', 'target']);
  if (typeof datasetPath !== 'string' || datasetPath === '') return [];
  return checkDatasetFile(
    datasetPath,
    typeof target === 'string' && target !== '' ? target : undefined,
    options,
  );
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
