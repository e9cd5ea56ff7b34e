/**
 * A table as data: its header, its cells and which columns hold numbers.
 * The format-neutral builders (the report's run-text.ts, load-test-text.ts,
 * release-text.ts, and the leaderboard here) make each table once; the
 * terminal (plain-table.ts), the Markdown and the HTML renderer each draw
 * it their own way, so no face drifts apart in what a table shows.
 */

export type Align = 'left' | 'right';

/**
 * `Cell` is text, or also what a renderer draws itself, such as an HTML
 * badge: the shared builders put only text in and leave such cells to a
 * callback the renderer passes.
 */
export interface TextTable<Cell = string> {
  header: readonly string[];
  rows: readonly (readonly Cell[])[];
  align?: readonly Align[];
  /** Said in place of the table when it has no rows, so a reader learns why it is empty. */
  empty?: string;
  /** A sentence read before the table (how the timeline is bucketed). */
  lead?: string;
}

/** `count` number columns in a row. */
export function rightAligned(count: number): Align[] {
  return Array.from({ length: count }, () => 'right' as const);
}

/** A label and its text, as a bullet in Markdown and a `<dt>`/`<dd>` pair in HTML. */
export type Fact = readonly [label: string, text: string];
