import { formatChampionGate, formatLeaderboard } from '../../../src/cli/format-leaderboard';
import type { LeaderboardRow } from '../../../src/evaluation/select';
import { championPhrase, otherMetricNames } from '../../../src/text/leaderboard-text';
import { formatMetric } from '../../../src/text/numbers';
import { plainTable } from '../../../src/text/plain-table';
import { rollbackClause } from '../../../src/text/release-words';

// The words `ferry status` and the report share (src/text): the terminal and the page say the same.

describe('the text layer', () => {
  test('draws a table as columns as wide as their widest cell, with no trailing blanks', () => {
    const drawn = plainTable({
      header: ['#', 'candidate', 'score'],
      rows: [
        ['1', 'c01', '0.9'],
        ['2', 'a-long-candidate', ''],
      ],
      align: ['right', 'left', 'right'],
    });
    expect(drawn.split('\n')).toEqual([
      '#  candidate         score',
      '1  c01                 0.9',
      '2  a-long-candidate',
    ]);
  });

  test('orders metric columns by name after the objective, from every row, not just the first', () => {
    const rows = [{ metrics: { recall: 1, accuracy: 1 } }, { metrics: { f1: 1, accuracy: 1 } }];
    expect(otherMetricNames('accuracy', rows)).toEqual(['f1', 'recall']);
  });

  test('writes a metric with four decimals, one from 1000 up, and a dash for none', () => {
    expect([0.91234, 1234.56, undefined, null, NaN].map(formatMetric)).toEqual([
      '0.9123',
      '1234.6',
      '-',
      '-',
      '-',
    ]);
  });

  test('the terminal and the report describe the champion in the same words', () => {
    const champion = { version: 2, algorithm: 'linear', metrics: { accuracy: 0.8 } };
    const line = formatChampionGate(
      { hasChampion: true, passed: false, reason: 'does not beat it', champion },
      'accuracy',
    );
    expect(line.split('\n')[0]).toBe(`champion: ${championPhrase(champion, 'accuracy')}`);
    expect(line).toContain("version 2 (linear), accuracy 0.8000 on this run's test split");
  });

  test('says where a rollback left the endpoint, for each way it can end', () => {
    const endpoint = 'churn';
    expect(
      rollbackClause({ action: 'restored', endpoint, restored: { group: 'g', version: 2 } }),
    ).toBe('endpoint churn is back on g v2');
    expect(rollbackClause({ action: 'removed', endpoint })).toBe(
      'endpoint churn was removed (it was a first deployment)',
    );
    expect(rollbackClause({ action: 'nothing-to-do', endpoint })).toBe(
      'endpoint churn had nothing to undo',
    );
  });

  test('the leaderboard on the terminal keeps its narrow header and cuts long boards', () => {
    const row = (rank: number): LeaderboardRow =>
      ({
        rank,
        id: `c0${rank}`,
        algorithm: 'linear',
        metrics: { f1_macro: 0.5, accuracy: 0.6 },
        objectiveValue: 0.5,
      }) as unknown as LeaderboardRow;
    const holdout = {
      method: 'holdout',
      rows: 500,
      refit: true,
      chosenBy: 'pipeline file',
    } as const;
    const board = formatLeaderboard([row(1), row(2), row(3)], 'f1_macro', holdout, 2).split('\n');
    expect(board[0]).toBe('scores: validation (never the test split)');
    expect(board[1]).toMatch(/^#\s+candidate\s+algorithm\s+f1_macro\s+accuracy$/);
    expect(board.at(-1)).toBe('... and 1 more');
  });
});
