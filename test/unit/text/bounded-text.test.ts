import { elided, MAX_FAILURE_CHARS } from '../../../src/text/bounded-text';

describe('elided', () => {
  test('keeps a message that fits as it is', () => {
    const message = "target 'species' has only one class (x); a classifier needs at least two";
    expect(elided(message)).toBe(message);
    expect(elided('x'.repeat(MAX_FAILURE_CHARS))).toHaveLength(MAX_FAILURE_CHARS);
  });

  test('cuts a longer one at the bound and says how much was left out', () => {
    const text = elided(`${'a'.repeat(MAX_FAILURE_CHARS)}${'b'.repeat(60_000)}`);
    expect(text).toBe(`${'a'.repeat(MAX_FAILURE_CHARS)} … (60000 more characters elided)`);
  });

  test('never splits a surrogate pair', () => {
    const text = elided(`${'a'.repeat(9)}😀tail`, 10);
    expect(text).toBe(`${'a'.repeat(9)} … (6 more characters elided)`);
  });
});
