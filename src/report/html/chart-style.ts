import type { Config } from 'vega-lite';

/**
 * One look for every chart: the same width, fonts, grid and legend place, and
 * colours that mean the same thing everywhere (green is good, red is bad or a
 * limit). The SVGs scale down with the page (CSS), so the width is the most a
 * chart takes, not what it always takes.
 */

/** Plot width in px; axes and legends come on top. */
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 220;

/** The same family as the page (page-style.ts); system fonts only, nothing to fetch. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

export const COLORS = {
  good: '#2e7d32',
  bad: '#c62828',
  neutral: '#9e9e9e',
  primary: '#1f6fb2',
  secondary: '#ef8a17',
  limit: '#c62828',
  window: '#ef8a17',
} as const;

export const CHART_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titleColor: '#444',
    labelColor: '#444',
    gridColor: '#ececec',
    domainColor: '#888',
    tickColor: '#888',
  },
  legend: { orient: 'top', labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 2 },
  text: { fontSize: 11 },
};
