import type { Align, TextTable } from '../../text/text-table';
import { markup, joinHtml, type Html } from './html-text';

/**
 * The page's building blocks: tables, fact lists, notes, pass/fail badges,
 * sections and chart figures. Every one takes plain text and escapes it, so
 * the section renderers never write raw markup around report data.
 */

export type Cell = string | Html;

/** A table with a header row; `align` right-aligns number columns. */
function htmlTable(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  align: readonly Align[] = [],
): Html {
  const cls = (i: number) => (align[i] === 'right' ? markup` class="num"` : markup``);
  const head = header.map((name, i) => markup`<th${cls(i)}>${name}</th>`);
  const body = rows.map(
    (cells) =>
      markup`<tr>
        ${header.map((_, i) => markup`<td${cls(i)}>${cells[i] ?? ''}</td>`)}
      </tr>`,
  );
  return markup`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${head}
        </tr>
      </thead>
      <tbody>
        ${joinHtml(body)}
      </tbody>
    </table>
  </div>`;
}

/** A shared table (src/text/text-table.ts) on the page: its lead, then the table, or its empty note. */
export function htmlTableOf(table: TextTable<Cell>): Html {
  if (table.rows.length === 0 && table.empty !== undefined) return emptyNote(table.empty);
  const drawn = htmlTable(table.header, table.rows, table.align);
  return table.lead === undefined ? drawn : markup`${paragraph(table.lead)}${drawn}`;
}

/** Label and value pairs, as the Markdown's bullet lists of facts. */
export function factList(facts: readonly (readonly [string, Cell])[]): Html {
  return markup`<dl class="facts">
    ${facts.map(
      ([label, value]) =>
        markup`<dt>${label}</dt>
          <dd>${value}</dd>`,
    )}
  </dl>`;
}

/** A line for a part of the report with nothing to show, saying why. */
export function emptyNote(text: string): Html {
  return markup`<p class="empty">${text.endsWith('.') ? text : `${text}.`}</p>`;
}

export function paragraph(...parts: Cell[]): Html {
  return markup`<p>${parts.map((part) => (typeof part === 'string' ? markup`${part}` : part))}</p>`;
}

/** "pass" or "fail", coloured; `label` overrides the word. */
export function badge(passed: boolean, label = passed ? 'pass' : 'fail'): Html {
  return markup`<span class="badge ${passed ? 'pass' : 'fail'}">${label}</span>`;
}

export function code(text: string): Html {
  return markup`<code>${text}</code>`;
}

export function subheading(title: string): Html {
  return markup`<h3>${title}</h3>`;
}

/** A top-level section; `id` is the anchor the contents link to. */
export function section(id: string, title: string, body: readonly (Html | null)[]): Html {
  return markup`<section id="${id}">
    <h2>${title}</h2>
    ${joinHtml(body)}
  </section>`;
}

/**
 * A chart in a figure the browser test finds by `data-chart`; the caption
 * says what is drawn and how to read it.
 */
export function chartFigure(chart: string, svg: Html, caption: string): Html {
  return markup`<figure class="chart" data-chart="${chart}">
    ${svg}
    <figcaption>${caption}</figcaption>
  </figure>`;
}

/** Collapsed detail a reader opens when they want it (the per-second table, the sample request). */
export function details(summary: string, body: Html): Html {
  return markup`<details>
    <summary>${summary}</summary>
    ${body}
  </details>`;
}
