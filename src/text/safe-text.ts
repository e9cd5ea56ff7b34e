/**
 * Text that came from a person or a file (run ids, model group and endpoint
 * names, column names, approver subjects, refusal reasons, failure
 * messages), made safe for the face that shows it. A name is data, so it
 * may not act: on a terminal an ESC sequence or a carriage return can
 * redraw an earlier line (a fake "accepted" over a refusal), a bidi
 * override (U+202E) reverses what follows, and in Markdown or HTML the
 * text could become markup. Each face escapes at its edge, where it
 * prints or renders; the stored data stays as it came.
 */

/**
 * Characters that move the cursor, recolour, reorder or hide text: C0
 * controls (line breaks and tabs included), then, in INVISIBLE, DEL, C1
 * controls, the bidi embeddings, overrides, isolates and marks, line and
 * paragraph separators, and the invisible zero-width and word-joiner
 * characters: the ones above C0, which JSON.stringify leaves raw.
 * Zero-width (non-)joiners stay: emoji and some scripts need them, and they
 * draw nothing.
 */
const INVISIBLE =
  '\\u007f-\\u009f\\u061c\\u200b\\u200e\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff';
const UNSAFE = new RegExp(`[\\u0000-\\u001f${INVISIBLE}]`, 'g');
const UNSAFE_BUT_LINE_BREAK = new RegExp(`[\\u0000-\\u0009\\u000b-\\u001f${INVISIBLE}]`, 'g');
const UNSAFE_IN_JSON = new RegExp(`[${INVISIBLE}]`, 'g');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One character as the escape a programmer would write: `\n`, `\x1b`, `\u202e`. */
function visible(char: string): string {
  const code = char.charCodeAt(0);
  return (
    NAMED[char] ??
    (code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`)
  );
}

/** A value for one line of a terminal: every control, line break included, shown as its escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

/**
 * A block of lines for a terminal (a table, a report file): the line breaks
 * between its lines stay, every other control is shown as its escape. The
 * values inside must already be one line each (terminalSafe), or a line
 * break in a name could still start a line of its own.
 */
export function terminalSafeLines(text: string): string {
  return text.replace(UNSAFE_BUT_LINE_BREAK, visible);
}

/**
 * Markdown's characters that act anywhere in a line: backslash first, so an
 * escape we add cannot be undone by one in the text; `[` `]` (links), `*`
 * `~` (emphasis), `` ` `` (code), `|` (a table's cells), `&` (an entity
 * could spell markup), and `<` where it could open HTML or an autolink
 * (before a letter, `/`, `!` or `?`; `<=` stays as it reads).
 */
const MARKDOWN_INLINE = /[\\`*[\]|&~]|<(?=[A-Za-z/!?])/g;
/**
 * `_` emphasises only at a word's edge (CommonMark's flanking rules), so
 * snake_case stays readable: escaped unless between two letters or digits.
 */
const EDGE_UNDERSCORE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
/**
 * What starts a block at a line's start: `>` (a quote), `#` (a heading),
 * `-` or `+` and a space (a list item), a number and `.` or `)` (a
 * numbered item). A value holds no line break, so only its own start can be
 * a line's (after a list marker of ours, say); the marker's last character
 * is escaped there.
 */
const MARKDOWN_BLOCK_START = /^(\s*)(>|#{1,6}(?=\s|$)|[-+](?=\s|$)|\d{1,9}[.)](?=\s|$))/;

/**
 * Plain text as inline Markdown or a table cell: line breaks become spaces
 * (a break would end the paragraph or the table), other controls show as
 * their escapes, and Markdown's characters are backslash-escaped, so the
 * text reads as written and draws no emphasis, link, HTML, heading or cell
 * border.
 */
export function markdownSafe(text: string): string {
  return terminalSafe(text.replace(/\r\n|\r|\n/g, ' '))
    .replace(MARKDOWN_INLINE, '\\$&')
    .replace(EDGE_UNDERSCORE, '\\_')
    .replace(
      MARKDOWN_BLOCK_START,
      (_all, space: string, marker: string) =>
        `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`,
    );
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Plain text as HTML, safe between tags and inside quoted attribute values:
 * the five characters HTML gives meaning to become entities, and controls
 * and bidi overrides show as their escapes (a browser obeys U+202E as a
 * terminal does). Line breaks stay, for `<pre>`; elsewhere HTML reads them
 * as spaces.
 */
export function htmlSafe(text: string): string {
  return terminalSafeLines(text).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/**
 * JSON text for a terminal (`--json`): the same values, but the characters
 * JSON.stringify leaves raw that a terminal obeys (DEL, C1 controls, bidi
 * overrides, line separators) written as `\u` escapes, which any JSON
 * reader turns back into the same string. They can only stand inside a
 * string in valid JSON; C0 controls JSON escapes itself.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(
    UNSAFE_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
