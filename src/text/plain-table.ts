import { terminalSafe } from './safe-text';
import type { TextTable } from './text-table';

/**
 * A table as aligned plain text, for a terminal: each column as wide as its
 * widest cell, two spaces between columns, no trailing blanks. Cells are
 * padded, never cut, so a long candidate id widens its column instead of
 * losing its end. Each cell is made terminal-safe before it is measured, so
 * a name's escape sequences can neither act nor throw the columns out.
 */
export function plainTable(table: TextTable): string {
  const rows = [table.header, ...table.rows].map((cells) => cells.map(terminalSafe));
  const widths = table.header.map((_, i) =>
    Math.max(...rows.map((cells) => (cells[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    widths
      .map((width, i) => {
        const cell = cells[i] ?? '';
        return table.align?.[i] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return rows.map(line).join('\n');
}
