import { terminalSafe, terminalSafeLines } from '../text/safe-text';

/**
 * Code in the Markdown report. Backslash escapes do not work inside code,
 * so text there is fenced instead: by a run of backticks longer than any in
 * the text, which the text therefore cannot close. Controls still show as
 * their escapes, as on a terminal (src/text/safe-text.ts).
 */

function fenceFor(text: string, shortest: number): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(shortest, longest + 1));
}

/** Inline code: `text`, one line. */
export function codeSpan(text: string): string {
  const shown = terminalSafe(text);
  const fence = fenceFor(shown, 1);
  // A span that starts or ends with a backtick needs a space inside its fence.
  const padded = /^`|`$/.test(shown) ? ` ${shown} ` : shown;
  return `${fence}${padded}${fence}`;
}

/** A fenced code block, its lines kept. */
export function codeBlock(text: string, language: string): string {
  const shown = terminalSafeLines(text);
  const fence = fenceFor(shown, 3);
  return `${fence}${language}\n${shown}\n${fence}`;
}
