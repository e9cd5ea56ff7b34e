import { escapeCell, markdownTable } from '../../../src/report';
import { tableIn } from './markdown-reading';

describe('markdownTable', () => {
  test('escapes | so free text stays in its cell', () => {
    const table = markdownTable(['message', 'by'], [['ok | ship it', 'alice']]);
    expect(table.split('\n')[2]).toBe('| ok \\| ship it | alice |');
    expect(tableIn(table)).toEqual([['ok \\| ship it', 'alice']]);
  });

  test('keeps a line break from ending the table', () => {
    expect(escapeCell('first line\nsecond line\r\nthird')).toBe('first line second line third');
  });

  test('escapes a backslash before a | so the | cannot close the cell', () => {
    expect(escapeCell('a\\|b')).toBe('a\\\\\\|b');
  });

  test('pads short rows and right-aligns the columns asked for', () => {
    const table = markdownTable(['name', 'count'], [['a']], ['left', 'right']);
    expect(table.split('\n')).toEqual(['| name | count |', '| --- | ---: |', '| a |  |']);
  });
});
