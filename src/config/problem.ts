import { quoteText } from './show-value';

/**
 * One thing wrong with a pipeline file: where (a dotted path such as
 * `endpoint.maxReplicas`, plus a line when the file is YAML or JSON), what is
 * wrong, and how to fix it. Validation collects all of them before answering.
 */
export interface ConfigProblem {
  path: string;
  message: string;
  fix: string;
  line?: number;
  column?: number;
}

export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (!isPlainKey(segment)) text += `[${quoteText(segment)}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** A key from the file is printed as it is only when it is short and plain: anything else is quoted and escaped. */
function isPlainKey(key: string): boolean {
  return key.length <= 64 && /^[\w-]+$/.test(key);
}

/** `pipeline.yaml:12:3: endpoint.maxReplicas (2) is below ...; raise ...` */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where =
    problem.line === undefined ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
  const subject = problem.path === '' ? '' : `${problem.path} `;
  return `${where}: ${subject}${problem.message}; ${problem.fix}`;
}
