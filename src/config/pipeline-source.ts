import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { ConfigProblem, PathSegment } from './problem';

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

export function parsePipelineText(text: string): PipelineSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntaxProblems: ConfigProblem[] = document.errors.map((error) => {
    const position = lineCounter.linePos(error.pos[0]);
    return {
      path: '',
      message: `is not valid YAML or JSON: ${firstLine(error.message)}`,
      fix: 'correct the syntax at this line (check indentation, quotes and colons)',
      line: position.line,
      column: position.col,
    };
  });
  const raw: unknown = syntaxProblems.length ? undefined : document.toJS();
  return {
    raw,
    syntaxProblems,
    locate: (path) => {
      const offset = offsetOf(document, path);
      if (offset === undefined) return undefined;
      const position = lineCounter.linePos(offset);
      return { line: position.line, column: position.col };
    },
  };
}

function offsetOf(document: Document, path: readonly PathSegment[]): number | undefined {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
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

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
