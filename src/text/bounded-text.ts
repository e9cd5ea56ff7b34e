/**
 * The longest failure message a run keeps or a client shows: a dataset's
 * message names the problem and its fix in far less, while a message that
 * quotes a whole header or a traceback could otherwise grow the run's
 * queries, result and report without limit (Temporal refuses payloads over
 * a few megabytes, and the run would be stuck behind one).
 */
export const MAX_FAILURE_CHARS = 2_000;

/**
 * The text cut to `maxChars` with a note saying how much was left out, or
 * the text itself when it fits. Pure and deterministic: workflow code uses it.
 */
export function elided(text: string, maxChars: number = MAX_FAILURE_CHARS): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  // Never split a surrogate pair: half an emoji is not text.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)} … (${text.length - end} more characters elided)`;
}
