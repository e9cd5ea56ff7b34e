import { formatTime } from '../../text/numbers';
import { outcomeLabel, type RunOutcome } from '../outcome-words';
import type { RunReport } from '../run-report';
import { code, factList } from './html-blocks';
import { markup, joinHtml, trustedHtml, type Html } from './html-text';
import { loadTestSection } from './load-test-section';
import { PAGE_STYLE } from './page-style';
import { deploymentSection, rollbackSection, scalingSection } from './release-sections';
import { renderReportCharts } from './report-charts';
import {
  chosenModelSection,
  decisionTrailSection,
  leaderboardSection,
  registrySection,
  stepsSection,
} from './run-sections';
import type { WarningHandler } from './vega-svg';

export interface RenderHtmlOptions {
  /** Receives the charting library's warnings; by default they are dropped. */
  onChartWarning?: WarningHandler;
}

/**
 * Blocks everything the page might load: it has no scripts, fonts or
 * images to fetch, and a report must not reach the network when opened.
 * Inline styles and inline SVG are all it needs.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const SECTIONS: [id: string, title: string][] = [
  ['steps', 'Steps'],
  ['leaderboard', 'Leaderboard'],
  ['gates', 'Gates'],
  ['registry', 'Registry'],
  ['decision-trail', 'Decision trail'],
  ['deployment', 'Deployment'],
  ['load-test', 'Load test'],
  ['scaling', 'Scaling'],
  ['rollback', 'Rollback'],
];

/**
 * The report as one self-contained HTML page: the outcome at the top, then
 * the sections of the Markdown report in pipeline order, with the
 * leaderboard, load-test latency and request rate, and replica count drawn
 * as inline SVG charts (Vega-Lite, rendered here, not in the browser). The
 * page has no script and loads nothing, so it opens from a file offline and
 * can be attached or archived as it is. Every text from the report is
 * HTML-escaped. Pure apart from the charting library: the caller writes it.
 */
export async function renderHtml(
  report: RunReport,
  options: RenderHtmlOptions = {},
): Promise<string> {
  const charts = await renderReportCharts(report, options.onChartWarning);
  const body = joinHtml([
    header(report),
    markup`<nav>${SECTIONS.map(([id, title]) => markup`<a href="#${id}">${title}</a>`)}</nav>`,
    stepsSection(report),
    leaderboardSection(report, charts.leaderboard),
    chosenModelSection(report),
    registrySection(report),
    decisionTrailSection(report),
    deploymentSection(report),
    loadTestSection(report, charts),
    scalingSection(report, charts.replicas),
    rollbackSection(report),
    markup`<footer>Ferry run report, version ${report.reportVersion}, generated ${formatTime(report.generatedAt)}.</footer>`,
  ]);
  const page = markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>Run ${report.runId}: ${outcomeLabel(report.outcome)}</title>
<style>${trustedHtml(PAGE_STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
  return page.text;
}

function header(report: RunReport): Html {
  const facts = factList([
    ['Pipeline', report.pipeline],
    ['Objective', report.objective],
    ['Started by', `${report.startedBy} (verified)`],
    ...(report.approvalPolicy
      ? [
          [
            'Approval policy',
            [report.approvalPolicy.description, ...report.approvalPolicy.notes].join('; '),
          ] as const,
        ]
      : []),
    ['Dataset fingerprint', code(report.datasetFingerprint)],
    // The headline often is the reason (no candidate passed); say it once.
    ...(report.reason !== null && !report.headline.includes(report.reason)
      ? [['Reason', report.reason] as const]
      : []),
    [
      'Candidates',
      `${report.candidates.total} (${report.candidates.succeeded} scored, ${report.candidates.failed.length} failed)`,
    ],
  ]);
  return markup`<header class="outcome ${tone(report.outcome)}">
    <h1>Run ${code(report.runId)}: ${outcomeLabel(report.outcome)}</h1>
    <p class="headline">${report.headline}</p>
    ${facts}
  </header>`;
}

/** The colour of the outcome's bar: green shipped, amber rolled back, red ended without a model. */
function tone(outcome: RunOutcome): string {
  switch (outcome) {
    case 'deployed':
      return 'good';
    case 'rolled-back':
      return 'warn';
    case 'rejected':
    case 'expired':
    case 'no-candidate-passed':
    case 'failed':
    case 'cancelled':
      return 'bad';
  }
}
