import { elided } from '../text/bounded-text';

/**
 * The innermost cause, cut to the longest failure message a run keeps: for
 * a candidate, the activity's own message, not "child workflow failed".
 */
export function rootMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return elided(current instanceof Error ? current.message : String(current));
}
