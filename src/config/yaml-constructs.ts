import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';
import type { PathSegment } from './problem';
import { quoteText } from './show-value';

/**
 * YAML features a pipeline file does not need, refused by name rather than
 * read in some surprising way:
 * - tags other than the core schema's (!!binary, !!set, !!js/function,
 *   custom !tags): the yaml package would build Buffers or drop them with a
 *   warning;
 * - merge keys (`<<: *defaults`): YAML 1.2 has none, so the yaml package
 *   would keep `<<` as a key. Ferry does not enable them either: an anchor
 *   and alias reuse a whole value, which is enough for a pipeline file, and
 *   every key stays where a reader (and a line number) can find it;
 * - lists or sections as keys, which become "[object Object]"-like strings;
 * - a key given twice, which would silently keep the last.
 */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`),
);

export interface RefusedConstruct {
  /** The field it is at (the key, for a problem with a key). */
  path: PathSegment[];
  message: string;
  fix: string;
  offset?: number;
}

export function refusedConstruct(document: Document): RefusedConstruct | undefined {
  let refused: RefusedConstruct | undefined;
  visit(document, {
    Node(_key, node, ancestors) {
      const path = fieldPath([...ancestors, node]);
      refused = refusedTag(node, path) ?? (isMap(node) ? refusedKey(node, path) : undefined);
      return refused ? visit.BREAK : undefined;
    },
  });
  return refused;
}

function refusedTag(node: Node, path: PathSegment[]): RefusedConstruct | undefined {
  if (isAlias(node) || node.tag === undefined || CORE_TAGS.has(node.tag)) return undefined;
  return {
    path,
    message: `uses the YAML tag ${quoteText(shortTag(node.tag))}, which a pipeline file cannot hold`,
    fix: 'remove the tag and write the value as plain text, a number, true/false, a list or a section',
    offset: node.range?.[0],
  };
}

function refusedKey(map: YAMLMap, mapPath: PathSegment[]): RefusedConstruct | undefined {
  // A Set, not yaml's uniqueKeys: that compares every key with every other, seconds for 10,000 keys.
  const seen = new Set<unknown>();
  for (const pair of map.items) {
    if (!isPair(pair) || pair.key === null) continue;
    const offset = (pair.key as Node).range?.[0];
    if (!isScalar(pair.key)) {
      return {
        path: mapPath,
        message: 'uses a list or section as a key',
        fix: 'write keys as plain names, such as maxReplicas',
        offset,
      };
    }
    const key = pair.key.value;
    if (key === '<<') {
      return {
        path: mapPath,
        message: 'uses a YAML merge key (<<), which Ferry does not read',
        fix: 'write the keys out in this section; an alias (*name) may still reuse a whole value',
        offset,
      };
    }
    if (seen.has(key)) {
      return {
        path: [...mapPath, String(key)],
        message: 'is given twice in the same section',
        fix: 'keep one of them (a YAML section cannot hold a key twice)',
        offset,
      };
    }
    seen.add(key);
  }
  return undefined;
}

/** The dotted path of the last of these nodes: keys of the pairs on the way, indexes in lists. */
function fieldPath(chain: readonly unknown[]): PathSegment[] {
  const path: PathSegment[] = [];
  chain.forEach((link, index) => {
    const next = chain[index + 1];
    if (isPair(link) && isScalar(link.key) && next !== link.key) {
      path.push(String(link.key.value));
    } else if (isSeq(link) && next !== undefined) {
      path.push(link.items.indexOf(next));
    }
  });
  return path;
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}
