import { DatasetRefusal } from './dataset-refusal';

/** How many column names a message lists, and how much of each: a header can be megabytes. */
const LISTED_COLUMNS = 20;
const NAME_CHARS = 60;

/** A column name as a message may show it: bounded, with control characters made visible. */
export function shownName(name: string): string {
  // Control characters are what the regex is for: a name must not move a terminal's cursor.
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return printable.length > NAME_CHARS ? `${printable.slice(0, NAME_CHARS)}…` : printable;
}

/** `a, b, c, … and 9,980 more`: at most 20 names, each bounded. */
export function listColumns(names: readonly string[]): string {
  const listed = names.slice(0, LISTED_COLUMNS).map(shownName).join(', ');
  const rest = names.length - LISTED_COLUMNS;
  return rest > 0 ? `${listed}, … and ${rest.toLocaleString('en-US')} more` : listed;
}

/**
 * A header whose names pick each column once: an empty name cannot be a
 * target or a feature name, and a repeated one makes `dataset.target`
 * ambiguous (pandas would rename the second copy behind the user's back).
 */
export function checkColumnNames(names: readonly string[]): void {
  const empty = names.findIndex((name) => name === '');
  if (empty !== -1) {
    throw new DatasetRefusal(
      `has a header whose column ${empty + 1} has no name`,
      'name every column in the header row',
    );
  }
  const seen = new Map<string, number>();
  for (const [index, name] of names.entries()) {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DatasetRefusal(
        `has a header naming '${shownName(name)}' twice (columns ${first + 1} and ${index + 1})`,
        'give every column its own name',
      );
    }
    seen.set(name, index);
  }
}
