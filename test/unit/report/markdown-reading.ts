/**
 * Reads the parts of a Markdown report back, for assertions: a section's
 * text, and a table's body rows as cells. Cells are split at unescaped `|`
 * only, as a GitHub-flavoured Markdown renderer splits them.
 */

/** The text under `heading` (e.g. "## Load test") up to the next heading of the same or a higher level. */
export function sectionOf(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading "${heading}" in the report`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex(
    (line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level,
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The tables in `text`, each as its body rows (header and divider left out) of cells. */
export function tablesIn(text: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length >= 2) tables.push(current.slice(2).map(cellsOf));
    current = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) current.push(line);
    else flush();
  }
  flush();
  return tables;
}

/** The first table in `text`. */
export function tableIn(text: string): string[][] {
  const table = tablesIn(text)[0];
  if (!table) throw new Error(`no table in:\n${text}`);
  return table;
}

function cellsOf(line: string): string[] {
  // The cells sit between the first and the last divider.
  return line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}
