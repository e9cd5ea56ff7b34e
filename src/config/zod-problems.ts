import type { z } from 'zod';
import { formatPath, type ConfigProblem, type PathSegment } from './problem';
import { showNumber, showValue as show } from './show-value';
import { didYouMean } from './suggest';

type Issue = z.core.$ZodIssue;
/** zod's internal definition, read only to list keys and options for suggestions. */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
}

/**
 * Turns zod's issues into problems a user can act on: each names the path,
 * what was found, and what to write instead (with a "did you mean" for
 * misspelt keys and options).
 */
export function problemsFromZod(issues: readonly Issue[], root: z.ZodType): ConfigProblem[] {
  return issues.flatMap((issue) => problemsFromIssue(issue, [], root));
}

function problemsFromIssue(issue: Issue, prefix: PathSegment[], root: z.ZodType): ConfigProblem[] {
  const segments = [...prefix, ...(issue.path as PathSegment[])];
  const path = formatPath(segments);
  const key = String(segments[segments.length - 1] ?? 'it');
  const input = (issue as { input?: unknown }).input;
  const one = (message: string, fix: string): ConfigProblem[] => [{ path, message, fix }];

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = Object.keys(schemaAt(root, segments)?.shape ?? {});
      return issue.keys.map((unknownKey) => ({
        path: formatPath([...segments, unknownKey]),
        message: 'is not a known key',
        fix: didYouMean(
          unknownKey,
          known,
          known.length ? `remove it; keys allowed here: ${known.join(', ')}` : 'remove it',
        ),
      }));
    }
    case 'invalid_type': {
      if (input === undefined) {
        return one(
          'is required',
          `add ${key}: ${describeExpected(schemaAt(root, segments), issue.expected)}`,
        );
      }
      // YAML's .nan, .inf and -.inf (and JSON's 1e400) are numbers to JavaScript, but not to zod.
      if (typeof input === 'number' && !Number.isFinite(input)) {
        return one(`(${showNumber(input)}) is not a finite number`, `give ${key} a finite number`);
      }
      const unquoted = unquotedFix(key, issue.expected, input);
      if (unquoted) {
        return one(`must be ${article(issue.expected)}, not text (${show(input)})`, unquoted);
      }
      if (issue.expected === 'int') {
        return one(
          `(${show(input)}) must be a whole number`,
          `use an integer such as ${Math.round(Number(input))}`,
        );
      }
      const shown = input === null ? '' : ` (${show(input)})`;
      return one(
        `must be ${article(issue.expected)}, not ${describeValue(input)}${shown}`,
        `write ${key} as ${describeExpected(schemaAt(root, segments), issue.expected)}`,
      );
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      if (input === undefined)
        return one('is required', `add ${key}: one of ${options.join(', ')}`);
      return one(
        `(${show(input)}) must be one of ${options.join(', ')}`,
        didYouMean(
          typeof input === 'string' ? input : '',
          options,
          `use one of ${options.join(', ')}`,
        ),
      );
    }
    case 'too_small': {
      if (issue.origin === 'array')
        return one(
          `must list at least ${String(issue.minimum)}`,
          `add at least ${String(issue.minimum)} to ${key}`,
        );
      if (issue.origin === 'string') return one('must not be empty', `give ${key} a value`);
      const bound = issue.inclusive
        ? `at least ${String(issue.minimum)}`
        : `above ${String(issue.minimum)}`;
      return one(`(${show(input)}) must be ${bound}`, `use a value ${bound}`);
    }
    case 'too_big': {
      const maximum = String(issue.maximum);
      if (issue.origin === 'array') {
        const count = Array.isArray(input) ? `${input.length} items, ` : '';
        return one(`lists ${count}more than the limit of ${maximum}`, `keep at most ${maximum}`);
      }
      if (issue.origin === 'string') {
        const length = typeof input === 'string' ? `${input.length} characters, ` : '';
        return one(
          `is too long (${length}over the limit of ${maximum})`,
          `shorten ${key} to at most ${maximum} characters`,
        );
      }
      const bound = issue.inclusive
        ? `at most ${String(issue.maximum)}`
        : `below ${String(issue.maximum)}`;
      return one(`(${show(input)}) must be ${bound}`, `use a value ${bound}`);
    }
    case 'invalid_format':
      return one(`(${show(input)}) ${issue.message}`, `change ${key} to fit that pattern`);
    case 'invalid_union':
      return problemsFromUnion(issue, segments, root, input);
    case 'custom': {
      const fix = (issue.params as { fix?: string } | undefined)?.fix ?? `correct ${key}`;
      return one(issue.message, fix);
    }
    default:
      return one(issue.message, `correct ${key}`);
  }
}

/**
 * A union fails with every branch's issues. When the input was the right
 * shape for one branch (an object for a range), that branch's own issues are
 * the useful ones; otherwise say which shapes are accepted.
 */
function problemsFromUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  segments: PathSegment[],
  root: z.ZodType,
  input: unknown,
): ConfigProblem[] {
  const matching = issue.errors.find(
    (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  if (matching) return matching.flatMap((inner) => problemsFromIssue(inner, segments, root));
  const choices = (schemaAt(root, segments)?.options ?? []).map((option) =>
    describeExpected(def(option), ''),
  );
  return [
    {
      path: formatPath(segments),
      message: `(${show(input)}) must be ${choices.join(', or ')}`,
      fix: `write it as ${choices.join(', or ')}`,
    },
  ];
}

function def(schema: z.ZodType | undefined): SchemaDef | undefined {
  return (schema as unknown as { _zod?: { def: SchemaDef } } | undefined)?._zod?.def;
}

/** Follows a path through objects, arrays, records and wrappers to the schema found there. */
function schemaAt(root: z.ZodType, segments: readonly PathSegment[]): SchemaDef | undefined {
  let current = unwrap(def(root));
  for (const segment of segments) {
    if (current === undefined) return undefined;
    if (current.type === 'object') current = unwrap(def(current.shape?.[String(segment)]));
    else if (current.type === 'array') current = unwrap(def(current.element));
    else if (current.type === 'record') current = unwrap(def(current.valueType));
    else return undefined;
  }
  return current;
}

function unwrap(schema: SchemaDef | undefined): SchemaDef | undefined {
  let current = schema;
  while (
    current &&
    current.innerType &&
    ['optional', 'default', 'nullable', 'prefault'].includes(current.type)
  ) {
    current = def(current.innerType);
  }
  return current;
}

function describeExpected(schema: SchemaDef | undefined, fallback: string): string {
  switch (schema?.type) {
    case 'enum':
      return `one of ${Object.values(schema.entries ?? {}).join(' | ')}`;
    case 'object': {
      const keys = Object.keys(schema.shape ?? {});
      return `a section {${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', ...' : ''}}`;
    }
    case 'array':
      return 'a list';
    case 'number':
      return 'a number';
    case 'string':
      return 'a text value';
    case 'boolean':
      return 'true or false';
    case 'record':
      return 'a map of names to values';
    default:
      return article(fallback);
  }
}

function article(expected: string): string {
  const words: Record<string, string> = {
    number: 'a number',
    string: 'text',
    boolean: 'true or false',
    array: 'a list',
    object: 'a section (a map of keys)',
    int: 'a whole number',
  };
  return words[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a section';
  if (typeof value === 'string') return 'text';
  return typeof value === 'number'
    ? 'a number'
    : typeof value === 'boolean'
      ? 'true/false'
      : typeof value;
}

/** "true" or "5" in quotes: the value is right but quoted, so say to drop the quotes. */
function unquotedFix(key: string, expected: string, input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const trimmed = input.trim();
  const isBoolean = expected === 'boolean' && /^(true|false)$/i.test(trimmed);
  const isNumber = (expected === 'number' || expected === 'int') && /^-?\d+(\.\d+)?$/.test(trimmed);
  if (!isBoolean && !isNumber) return undefined;
  return `write ${key}: ${trimmed.toLowerCase()}, without quotes`;
}
