import { clipText } from '../shared/clip-text';

/** The longest failure message a run keeps: enough for any cause and its fix, never a payload's worth. */
export const MAX_FAILURE_MESSAGE_CHARS = 1_000;

/**
 * The innermost cause, clipped: for a candidate, the activity's own message,
 * not "child workflow failed".
 */
export function rootMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const message = current instanceof Error ? current.message : String(current);
  return clipText(message, MAX_FAILURE_MESSAGE_CHARS);
}
