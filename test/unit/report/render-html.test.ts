import { buildRunReport, type RunReport } from '../../../src/report';
import { CHART_NAMES } from '../../../src/report/html/report-charts';
import { renderHtml } from '../../../src/report/html/render-html';
import {
  ALL_RUNS,
  DEPLOYED_SCALING,
  deployedResult,
  rejectedResult,
  reportInput,
  rolledBackResult,
} from './run-fixtures';

const SECTION_IDS = [
  'steps',
  'leaderboard',
  'gates',
  'registry',
  'decision-trail',
  'deployment',
  'load-test',
  'scaling',
  'rollback',
];

/** Renders and fails the test on any warning the charting library raises. */
async function render(report: RunReport): Promise<string> {
  const warnings: string[] = [];
  const page = await renderHtml(report, { onChartWarning: (message) => warnings.push(message) });
  expect(warnings).toEqual([]);
  return page;
}

function deployedReport(): RunReport {
  return buildRunReport(reportInput(deployedResult(), DEPLOYED_SCALING));
}

/** The markup of the figure holding chart `name`, or undefined when the page has none. */
function figure(page: string, name: string): string | undefined {
  const start = page.indexOf(`<figure class="chart" data-chart="${name}">`);
  if (start < 0) return undefined;
  return page.slice(start, page.indexOf('</figure>', start));
}

/** The paths (or lines) inside a Vega mark group of `markType`, e.g. "rect", "line", "rule". */
function markCount(svg: string, markType: string, element = 'path'): number {
  const groups = svg.split(`<g class="mark-${markType} role-mark`).slice(1);
  return groups
    .map((group) => group.slice(0, group.indexOf('</g>')))
    .reduce(
      (total, group) => total + (group.match(new RegExp(`<${element}\\b`, 'g')) ?? []).length,
      0,
    );
}

function section(page: string, id: string): string {
  const start = page.indexOf(`<section id="${id}">`);
  return page.slice(start, page.indexOf('</section>', start));
}

describe('renderHtml', () => {
  test.each(ALL_RUNS)('renders every section, in order, for a %s run', async (_, input) => {
    const page = await render(buildRunReport(input()));
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    const positions = SECTION_IDS.map((id) => page.indexOf(`<section id="${id}">`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('draws the four charts of a deployed run as inline SVG with marks', async () => {
    const page = await render(deployedReport());
    for (const name of CHART_NAMES) {
      expect(figure(page, name)).toMatch(/<svg [^>]*viewBox="/);
    }
    // One bar per scored candidate.
    expect(markCount(figure(page, 'leaderboard') ?? '', 'rect')).toBe(3);
    // p50 and p99 as lines, the SLO limit as a rule, labelled with its figure.
    const latency = figure(page, 'latency') ?? '';
    expect(markCount(latency, 'line')).toBe(2);
    expect(markCount(latency, 'rule', 'line')).toBe(1);
    expect(latency).toContain('SLO p99 250 ms');
    // sent, ok and errors.
    expect(markCount(figure(page, 'request-rate') ?? '', 'line')).toBe(3);
    // One step line, and a point for the start and each of the two scaling activities.
    const replicas = figure(page, 'replicas') ?? '';
    expect(markCount(replicas, 'line')).toBe(1);
    expect(markCount(replicas, 'symbol')).toBe(3);
    expect(replicas).toContain('load test');
  });

  test('shows the breached SLO and the rollback of a rolled-back run', async () => {
    const page = await render(buildRunReport(reportInput(rolledBackResult(), DEPLOYED_SCALING)));
    const loadTest = section(page, 'load-test');
    expect(loadTest).toContain('<span class="badge fail">failed</span>');
    expect(loadTest).toContain('p99 latency 412.3 ms is over the SLO&#39;s 250 ms');
    expect(figure(page, 'latency')).toContain('SLO p99 250 ms');
    expect(section(page, 'rollback')).toContain('restored to churn v2 (xgboost)');
  });

  test('renders a rejected run without the deployment charts, saying why', async () => {
    const page = await render(buildRunReport(reportInput(rejectedResult())));
    expect(figure(page, 'leaderboard')).toBeDefined();
    for (const name of ['latency', 'request-rate', 'replicas']) {
      expect(figure(page, name)).toBeUndefined();
    }
    expect(section(page, 'deployment')).toContain('Not deployed: the run ended rejected.');
    expect(section(page, 'load-test')).toContain(
      'No load test and no load charts: not deployed, as the run ended rejected.',
    );
    expect(section(page, 'scaling')).toContain('not deployed, as the run ended rejected.');
    expect(section(page, 'decision-trail')).toContain('fails fairness review');
  });

  test('shows text from the report as text, never as markup', async () => {
    const result = deployedResult();
    const trail = result.decisionTrail ?? [];
    const last = trail[trail.length - 1];
    if (last) last.message = '<script>alert(1)</script>';
    const top = result.leaderboard[0];
    if (top) top.algorithm = '<b>xgb</b>';
    const scaling = [
      { ...DEPLOYED_SCALING[0]!, cause: '<img src=x onerror="alert(2)">' },
      DEPLOYED_SCALING[1]!,
    ];
    const page = await render(buildRunReport(reportInput(result, scaling)));
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    expect(page).not.toMatch(/<script|<img|<b>/i);
    // In the chart too: the axis label is SVG text, escaped by the renderer.
    expect(figure(page, 'leaderboard')).toContain('c02 (&lt;b&gt;xgb&lt;/b&gt;)');
  });

  test('opens offline: no scripts, no external resources, everything inline', async () => {
    const page = await render(deployedReport());
    expect(page).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    const references = [
      ...page.matchAll(/\b(?:src|href|xlink:href|action|poster|srcset)\s*=\s*["']?([^"'\s>]*)/gi),
    ];
    expect(references.length).toBeGreaterThan(0);
    for (const [, target] of references) expect(target).toMatch(/^#[\w-]+$/);
    // Only local references: Vega's clip paths, by fragment.
    expect(page).not.toMatch(/@import|url\((?!#)/i);
    expect(page).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`,
    );
    // The endpoint URL is there, as text for the reader.
    expect(section(page, 'deployment')).toContain('<code>http://127.0.0.1:8710</code>');
  });

  test('the same report renders the same page', async () => {
    expect(await render(deployedReport())).toBe(await render(deployedReport()));
  });
});
