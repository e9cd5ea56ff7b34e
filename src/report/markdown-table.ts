import { markdownSafe } from '../text/safe-text';
import type { Align, TextTable } from '../text/text-table';

/**
 * GitHub-flavoured Markdown tables. Cells hold free text (decision messages,
 * error strings, scaling causes), so every cell is escaped: a `|` would end
 * the cell early, a line break would end the table, and a `*`, `<` or `[`
 * would draw emphasis, HTML or a link.
 */

/** One table cell's text, safe inside `| ... |` (src/text/safe-text.ts). */
export function escapeCell(text: string): string {
  return markdownSafe(text).trim();
}

/**
 * A table with a header row. Rows shorter than the header are padded, so a
 * missing value shows as an empty cell rather than a broken row; `align`
 * right-aligns number columns.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const line = (cells: readonly string[]) =>
    `| ${header.map((_, i) => escapeCell(cells[i] ?? '')).join(' | ')} |`;
  const divider = `|${header.map((_, i) => (align[i] === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(header), divider, ...rows.map(line)].join('\n');
}

/** A shared table (src/text/text-table.ts) in Markdown: its lead, then the table, or its empty note. */
export function markdownTableOf(table: TextTable): string {
  if (table.rows.length === 0 && table.empty !== undefined) return emptyNote(table.empty);
  const drawn = markdownTable(table.header, table.rows, table.align);
  return table.lead === undefined ? drawn : `${markdownSafe(table.lead)}\n\n${drawn}`;
}

/** A one-line italic note for a section with nothing to show ("_Not deployed: ..._"). */
export function emptyNote(text: string): string {
  const escaped = markdownSafe(text);
  return `_${escaped.endsWith('.') ? escaped : `${escaped}.`}_`;
}
