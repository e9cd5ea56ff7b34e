import { rankingHeading } from '../../text/leaderboard-text';
import type { TopLevelSpec } from 'vega-lite';
import { formatMetric } from '../../text/numbers';
import type { RunReport } from '../run-report';
import { CHART_CONFIG, CHART_WIDTH, COLORS } from './chart-style';

const STATUS = {
  chosen: 'chosen',
  ranked: 'ranked',
} as const;

/** Bars drawn at most: a 128-candidate search still gets a chart that fits a screen. */
export const MAX_LEADERBOARD_BARS = 30;

export interface LeaderboardBar {
  /** "c02 (xgboost)": the candidate as the axis names it. */
  label: string;
  rank: number;
  value: number;
  valueText: string;
  status: (typeof STATUS)[keyof typeof STATUS];
}

/** One bar per candidate with an objective value, best rank first. */
export function leaderboardBars(report: RunReport): LeaderboardBar[] {
  const winner = report.chosenModel?.candidateId;
  return [...report.leaderboard]
    .sort((a, b) => a.rank - b.rank)
    .flatMap((row) =>
      row.objectiveValue === null
        ? []
        : [
            {
              label: `${row.id} (${row.algorithm})`,
              rank: row.rank,
              value: row.objectiveValue,
              valueText: formatMetric(row.objectiveValue),
              status: row.id === winner ? STATUS.chosen : STATUS.ranked,
            },
          ],
    );
}

/**
 * The leaderboard as horizontal bars of the objective, rank 1 at the top,
 * coloured by what selection made of each candidate, the best
 * MAX_LEADERBOARD_BARS only; null when no candidate has an objective value
 * to draw.
 */
export function leaderboardChartSpec(report: RunReport): TopLevelSpec | null {
  const bars = leaderboardBars(report).slice(0, MAX_LEADERBOARD_BARS);
  if (bars.length === 0) return null;
  const y = {
    field: 'label',
    type: 'nominal' as const,
    // Rank order, not alphabetical: the explicit list is the leaderboard's own.
    sort: bars.map((bar) => bar.label),
    title: null,
    axis: { labelLimit: 220 },
  };
  const x = {
    field: 'value',
    type: 'quantitative' as const,
    title: `${report.objective} (objective, ${rankingHeading(report.ranking)})`,
  };
  return {
    config: CHART_CONFIG,
    description: `Leaderboard: ${report.objective} per candidate`,
    width: CHART_WIDTH,
    height: { step: 24 },
    data: { values: bars },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x,
          color: {
            field: 'status',
            type: 'nominal',
            title: null,
            scale: {
              domain: [STATUS.chosen, STATUS.ranked],
              range: [COLORS.good, COLORS.primary],
            },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, color: '#333' },
        encoding: { y, x, text: { field: 'valueText' } },
      },
    ],
  };
}
