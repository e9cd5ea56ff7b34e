import {
  Composer,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  type CST,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { formatPath, type ConfigProblem, type PathSegment } from './problem';
import { MAX_PIPELINE_FILE_BYTES } from './pipeline-file';
import { escapeUnsafe } from './unsafe-characters';
import { refusedConstruct } from './yaml-constructs';

/**
 * A pipeline file's text, parsed. YAML and JSON go through the same parser
 * (JSON is YAML 1.2), which keeps source positions, so every problem can
 * point at a line.
 */
export interface PipelineSource {
  raw: unknown;
  /** Line and column of the value at a dotted path, or of its nearest parent. */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined;
  syntaxProblems: ConfigProblem[];
}

/**
 * How deep collections may nest. The deepest real path is about eight levels
 * (candidates.algorithms[0].hyperparameters.eta.low); the bound is checked
 * while parsing, because the yaml package composes documents recursively and
 * 100,000 `[` would overflow the stack (or take seconds and hundreds of MB).
 */
export const MAX_NESTING_DEPTH = 32;

/**
 * How many nodes aliases may expand to (yaml's maxAliasCount). An anchor
 * reused a few times is fine; "billion laughs" (aliases of aliases) is
 * refused when toJS counts past this, before it expands.
 */
export const MAX_ALIAS_COUNT = 100;

const SYNTAX_FIX = 'correct the syntax at this line (check indentation, quotes and colons)';

export function parsePipelineText(text: string): PipelineSource {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  };
  const refuse = (message: string, fix: string, offset?: number): PipelineSource => ({
    raw: undefined,
    syntaxProblems: [{ path: '', message, fix, ...(offset === undefined ? {} : at(offset)) }],
    locate: () => undefined,
  });

  // The file reader bounds files; this bounds text from anywhere else (ferry policy).
  if (text.length > MAX_PIPELINE_FILE_BYTES) {
    return refuse(
      `is too big (the limit is ${MAX_PIPELINE_FILE_BYTES / 1024 / 1024} MiB)`,
      'a pipeline file is a few kilobytes of settings; check that this is the right file',
    );
  }
  const parsed = parseCst(text, lineCounter);
  if ('tooDeepAt' in parsed) {
    return refuse(
      `nests lists or sections more than ${MAX_NESTING_DEPTH} levels deep`,
      'a pipeline file is a few levels deep; check for unclosed [ or { brackets',
      parsed.tooDeepAt,
    );
  }
  const documents = [
    ...new Composer({
      // Duplicate keys are found in yaml-constructs.ts, in linear time: yaml's own check compares
      // every key with every other, which took seconds for 10,000 keys.
      uniqueKeys: false,
      prettyErrors: false,
    }).compose(parsed.tokens, true, text.length),
  ];
  const [document, second] = documents;
  if (document === undefined) throw new Error('the YAML composer yields at least one document');
  if (second !== undefined) {
    return refuse(
      'holds more than one YAML document (a second one starts here, after ---)',
      'keep one pipeline per file: remove the --- line and what follows, or split it into two files',
      second.range[0],
    );
  }
  const syntaxProblems = document.errors.map((error) => ({
    path: '',
    message: `is not valid YAML or JSON: ${firstLine(error.message)}`,
    fix: SYNTAX_FIX,
    ...at(error.pos[0]),
  }));
  if (syntaxProblems.length > 0) return { raw: undefined, syntaxProblems, locate: () => undefined };

  const refused = refusedConstruct(document);
  if (refused) {
    const where = refused.offset === undefined ? {} : at(refused.offset);
    const problem = { path: formatPath(refused.path), message: refused.message, fix: refused.fix };
    return { raw: undefined, syntaxProblems: [{ ...problem, ...where }], locate: () => undefined };
  }

  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb, before expanding it.
    if (!(error instanceof ReferenceError)) throw error;
    return refuse(
      `uses aliases (*name) that expand to more than ${MAX_ALIAS_COUNT} copies`,
      'write the values out, or reuse an anchor only a few times (aliases of aliases multiply)',
    );
  }
  return {
    raw,
    syntaxProblems: [],
    locate: (path) => {
      const offset = offsetOf(document, path);
      return offset === undefined ? undefined : at(offset);
    },
  };
}

/**
 * Lexes and parses the text into CST tokens, as the yaml package's own
 * parseDocument does, but watching the parser's stack: it holds one entry per
 * open collection, so it measures nesting before anything recursive runs.
 */
function parseCst(
  text: string,
  lineCounter: LineCounter,
): { tokens: CST.Token[] } | { tooDeepAt: number } {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_NESTING_DEPTH) return { tooDeepAt: parser.offset };
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

function offsetOf(document: Document, path: readonly PathSegment[]): number | undefined {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = pairsByKey(node).get(String(segment));
      if (!pair) break;
      // Point at the key, which is where a reader looks for "endpoint.maxReplicas".
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** A map's pairs by key, built once: locating each of 10,000 problems by a linear search took seconds. */
function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = keyIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) {
      if (isPair(item) && isScalar(item.key)) index.set(String(item.key.value), item);
    }
    keyIndexes.set(map, index);
  }
  return index;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/** yaml's message, first line only; some quote the source ("Not a YAML token: ..."), so it is bounded and escaped. */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return escapeUnsafe(line.length > 200 ? `${line.slice(0, 200)}...` : line);
}
