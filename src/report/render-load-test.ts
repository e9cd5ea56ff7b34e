import type { LoadTestOutcome } from '../workflows/release-definitions';
import {
  breachTable,
  errorKindTable,
  LATENCY_NOTE,
  latencyTable,
  loadSummary,
  phaseTable,
  prettySample,
  timelineTable,
  verdictFigures,
} from './load-test-text';
import { emptyNote, markdownTableOf } from './markdown-table';
import { codeBlock, codeSpan } from './markdown-text';
import { markdownSafe } from '../text/safe-text';
import { notDeployedWhy } from './release-text';
import type { RunReport } from './run-report';

/**
 * The Load test section of the Markdown report: verdict, overall figures,
 * phases, errors, timeline, sample. The words and tables come from
 * load-test-text.ts, shared with the HTML page; this file lays them out.
 */
export function renderLoadTest(report: RunReport): string {
  const outcome = report.loadTest;
  if (!outcome) {
    return report.deployment
      ? emptyNote('No load test: the run deployed but recorded none')
      : emptyNote(`No load test: not deployed, as ${notDeployedWhy(report)}`);
  }
  const { result } = outcome;
  return [
    renderVerdict(outcome),
    `### Overall\n\n${markdownSafe(loadSummary(result))}\n\n${markdownTableOf(latencyTable(result))}\n\n${markdownSafe(LATENCY_NOTE)}`,
    `### Phases\n\n${markdownTableOf(phaseTable(result))}`,
    `### Errors by kind\n\n${markdownTableOf(errorKindTable(result))}`,
    `### Timeline\n\n${markdownTableOf(timelineTable(result))}`,
    `### Sample request\n\n${renderSample(outcome)}`,
  ].join('\n\n');
}

function renderVerdict({ verdict }: LoadTestOutcome): string {
  const line = `SLO verdict: **${verdict.passed ? 'passed' : 'failed'}**: ${markdownSafe(verdictFigures(verdict))}`;
  if (verdict.breaches.length === 0) return line;
  return `${line}\n\n${markdownTableOf(breachTable(verdict.breaches))}`;
}

function renderSample({ sample }: LoadTestOutcome): string {
  const language = sample.contentType.includes('json') ? 'json' : '';
  return [
    `Sent as ${codeSpan(sample.contentType)} before the load:`,
    codeBlock(prettySample(sample.request), language),
    'Answer:',
    codeBlock(prettySample(sample.response), language),
  ].join('\n\n');
}
