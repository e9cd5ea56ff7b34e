/**
 * Characters that could redraw a terminal line or split a log line when
 * printed: C0 and C1 controls (ESC starts an escape sequence), DEL, line and
 * paragraph separators, and the bidirectional overrides that make text read
 * differently than it is.
 */
// Control characters are what this pattern is for.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

export function hasUnsafeCharacter(text: string): boolean {
  return UNSAFE_CHARACTER.test(text);
}

/** The text with each unsafe character written as a \u escape, so quoting it in a problem is safe. */
export function escapeUnsafe(text: string): string {
  return text.replace(
    new RegExp(UNSAFE_CHARACTER.source, 'gu'),
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
