import {
  htmlSafe,
  markdownSafe,
  terminalSafe,
  terminalSafeJson,
  terminalSafeLines,
} from '../../../src/text/safe-text';

// A name or message from a person or a file, as an attacker would write it:
// erase the line, return to its start, and print a fake verdict; then reverse the rest.
const FAKE_ACCEPTED = 'mallory\x1b[2K\rdecision ... accepted\u202edesrever';

describe('terminalSafe', () => {
  test('shows ESC, CR and a bidi override as escapes, so a name cannot redraw a line', () => {
    expect(terminalSafe(FAKE_ACCEPTED)).toBe(
      'mallory\\x1b[2K\\rdecision ... accepted\\u202edesrever',
    );
  });

  test('shows every C0 and C1 control, DEL, and the invisible format characters', () => {
    expect(terminalSafe('\x00\x07\t\n\x7f\x85\x9b')).toBe('\\x00\\x07\\t\\n\\x7f\\x85\\x9b');
    expect(terminalSafe('\u200b\u200e\u2028\u2066\ufeff')).toBe(
      '\\u200b\\u200e\\u2028\\u2066\\ufeff',
    );
  });

  test('leaves ordinary text alone, accents, other scripts and emoji included', () => {
    const text = 'Zoë approved c03 (xgboost): AUC ≥ 0.84, 日本語, 👩‍💻';
    expect(terminalSafe(text)).toBe(text);
  });

  test('is idempotent, so a line escaped twice reads the same', () => {
    expect(terminalSafe(terminalSafe(FAKE_ACCEPTED))).toBe(terminalSafe(FAKE_ACCEPTED));
  });
});

describe('terminalSafeLines', () => {
  test("keeps a block's line breaks and escapes every other control", () => {
    expect(terminalSafeLines('a\nb\r\n\x1b[31mc')).toBe('a\nb\\r\n\\x1b[31mc');
  });
});

describe('markdownSafe', () => {
  test('escapes the characters that draw links, emphasis, code, HTML and cell borders', () => {
    expect(markdownSafe('[x](http://e) *b* `c` <b>x</b> a|b \\ & ~d~')).toBe(
      '\\[x\\](http://e) \\*b\\* \\`c\\` \\<b>x\\</b> a\\|b \\\\ \\& \\~d\\~',
    );
  });

  test('turns line breaks into spaces and other controls into visible escapes', () => {
    expect(markdownSafe('one\ntwo\r\nthree\x1b[2K\u202e')).toBe(
      'one two three\\\\x1b\\[2K\\\\u202e',
    );
  });

  test('escapes a quote, heading or list marker where the value would start a line', () => {
    expect(markdownSafe('> quoted')).toBe('\\> quoted');
    expect(markdownSafe('# heading')).toBe('\\# heading');
    expect(markdownSafe('- item')).toBe('\\- item');
    expect(markdownSafe('12. item')).toBe('12\\. item');
  });

  test('keeps snake_case, comparisons and numbers as they read', () => {
    expect(markdownSafe('roc_auc >= 0.80, -1.5, 0.8412, issue #5')).toBe(
      'roc_auc >= 0.80, -1.5, 0.8412, issue #5',
    );
    expect(markdownSafe('_emphasis_')).toBe('\\_emphasis\\_');
  });
});

describe('htmlSafe', () => {
  test('escapes markup and quotes, so text can close no tag, script or attribute', () => {
    expect(htmlSafe('</script><!-- "x" \'y\' &')).toBe(
      '&lt;/script&gt;&lt;!-- &quot;x&quot; &#39;y&#39; &amp;',
    );
  });

  test('shows a bidi override and controls as escapes, keeping line breaks for <pre>', () => {
    expect(htmlSafe('a\u202eb\x1b\nc')).toBe('a\\u202eb\\x1b\nc');
  });
});

describe('terminalSafeJson', () => {
  test('writes what a terminal obeys as \\u escapes, and parses back to the same value', () => {
    const value = { name: FAKE_ACCEPTED, c1: '\x9b\x7f', line: 'a\u2028b' };
    const json = terminalSafeJson(JSON.stringify(value, null, 2));
    // eslint-disable-next-line no-control-regex -- it looks for raw controls on purpose
    expect(json).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028-\u202e]/);
    expect(json).toContain('\\u202e');
    expect(JSON.parse(json)).toEqual(value);
  });
});
