import { htmlSafe } from '../../text/safe-text';

/**
 * HTML that is safe by construction. Every string the report holds (decision
 * messages, scaling causes, error text, even candidate ids) may contain
 * markup, so the `markup` tag escapes each interpolated value unless it is
 * already `Html`; only `trustedHtml` turns a string into `Html`, and it is
 * used for the SVG that Vega renders (Vega escapes the text it draws).
 */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type HtmlValue = string | number | Html | readonly Html[] | null;

/**
 * Text as HTML: safe between tags and inside quoted attribute values, with
 * controls and bidi overrides shown as escapes (src/text/safe-text.ts).
 */
export const escapeHtml = htmlSafe;

/** A template whose values are escaped; `Html` values and arrays of them go in as they are; null is nothing. */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += fragment(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function fragment(value: HtmlValue): string {
  if (value === null) return '';
  if (value instanceof Html) return value.text;
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return escapeHtml(String(value));
  return value.map((part) => part.text).join('');
}

/** Markup made by a trusted renderer, never by report text. */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}

/** Joins fragments with newlines, skipping nulls (a section that has nothing to add). */
export function joinHtml(parts: readonly (Html | null)[]): Html {
  return new Html(
    parts
      .filter((part): part is Html => part !== null)
      .map((part) => part.text)
      .join('\n'),
  );
}
