import { terminalSafe, terminalSafeJson } from '../text/safe-text';

/**
 * The CLI's output edge. A line may quote a run id, a model group or
 * endpoint name, an approver, a refusal reason or a file's content, so each
 * is printed terminal-safe (src/text/safe-text.ts): nothing in it can move
 * the cursor, recolour, reverse the text or start a line of its own.
 */

/** One line on stdout. */
export function print(line: string): void {
  console.log(terminalSafe(line));
}

/** One line on stderr. */
export function printError(line: string): void {
  console.error(terminalSafe(line));
}

/** A value as `--json` prints it: JSON, with what a terminal would obey written as `\u` escapes. */
export function printJson(value: unknown): void {
  console.log(terminalSafeJson(JSON.stringify(value, null, 2)));
}
