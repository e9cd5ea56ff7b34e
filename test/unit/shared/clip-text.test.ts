import { clipText } from '../../../src/shared/clip-text';

describe('clipText', () => {
  test('keeps short text as it is and says how much of long text was cut', () => {
    expect(clipText('short', 10)).toBe('short');
    expect(clipText('x'.repeat(10), 10)).toBe('x'.repeat(10));
    expect(clipText('x'.repeat(1_500_000), 5)).toBe('xxxxx… (1499995 more characters)');
  });

  test('never splits a surrogate pair', () => {
    expect(clipText('ab😀cd', 3)).toBe('ab… (4 more characters)');
  });
});
