import { escapeUnsafe } from './unsafe-characters';

const MAX_SHOWN_CHARS = 60;

/**
 * A value as a problem quotes it: JSON-like, short and on one line, with
 * anything that could drive a terminal escaped. It never walks more than a
 * few levels or items, so a huge or deeply nested value costs nothing to show
 * (JSON.stringify would overflow the stack on the deep one).
 */
export function showValue(value: unknown): string {
  const text = brief(value, 0);
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 3)}...` : text;
}

/** YAML's spelling of the numbers JSON cannot write, as the user typed them. */
export function showNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  return String(value);
}

function brief(value: unknown, depth: number): string {
  if (typeof value === 'number') return showNumber(value);
  if (typeof value === 'string') return quoteText(value);
  if (Array.isArray(value)) {
    if (depth >= 2) return '[...]';
    const items = value.slice(0, 5).map((item: unknown) => brief(item, depth + 1));
    return `[${items.join(',')}${value.length > 5 ? ',...' : ''}]`;
  }
  if (value !== null && typeof value === 'object') {
    if (depth >= 2) return '{...}';
    const entries = Object.entries(value).slice(0, 4);
    const shown = entries.map(([key, item]) => `${quoteText(key)}:${brief(item, depth + 1)}`);
    return `{${shown.join(',')}${Object.keys(value).length > 4 ? ',...' : ''}}`;
  }
  return String(value);
}

/** A string in double quotes, cut to the shown length first so a megabyte is not escaped whole. */
export function quoteText(text: string): string {
  const short = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}...` : text;
  return escapeUnsafe(JSON.stringify(short));
}
