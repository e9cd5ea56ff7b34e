import type { LoadTestOutcome } from '../../workflows/release-definitions';
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
} from '../load-test-text';
import { notDeployedWhy } from '../release-text';
import type { RunReport } from '../run-report';
import {
  badge,
  details,
  emptyNote,
  htmlTableOf,
  paragraph,
  section,
  subheading,
} from './html-blocks';
import { markup, type Html } from './html-text';

export interface LoadTestCharts {
  latency: Html | null;
  requestRate: Html | null;
}

/**
 * The Load test section: SLO verdict, percentiles, the two timeline charts,
 * phases, errors, sample. The words and tables come from load-test-text.ts,
 * shared with the Markdown report; this file lays them out as HTML.
 */
export function loadTestSection(report: RunReport, charts: LoadTestCharts): Html {
  const outcome = report.loadTest;
  if (!outcome) {
    const why = report.deployment
      ? 'No load test: the run deployed but recorded none'
      : `No load test and no load charts: not deployed, as ${notDeployedWhy(report)}`;
    return section('load-test', 'Load test', [emptyNote(why)]);
  }
  return section('load-test', 'Load test', [
    verdict(outcome),
    subheading('Latency percentiles'),
    overall(outcome),
    subheading('Over time'),
    charts.latency ?? emptyNote('No timeline was recorded, so there is no latency chart'),
    charts.requestRate,
    details('The per-second timeline as a table', htmlTableOf(timelineTable(outcome.result))),
    subheading('Phases'),
    htmlTableOf(phaseTable(outcome.result)),
    subheading('Errors by kind'),
    htmlTableOf(errorKindTable(outcome.result)),
    details('The sample request sent before the load', sample(outcome)),
  ]);
}

function verdict({ verdict }: LoadTestOutcome): Html {
  const line = markup`<p class="verdict">
    SLO verdict: ${badge(verdict.passed, verdict.passed ? 'passed' : 'failed')} ${verdictFigures(verdict)}
  </p>`;
  if (verdict.breaches.length === 0) return line;
  return markup`${line}${htmlTableOf(breachTable(verdict.breaches))}`;
}

function overall({ result }: LoadTestOutcome): Html {
  const note = markup`<p class="note">${LATENCY_NOTE}</p>`;
  return markup`${paragraph(loadSummary(result))}${htmlTableOf(latencyTable(result))}${note}`;
}

function sample({ sample }: LoadTestOutcome): Html {
  return markup`${paragraph(`Sent as ${sample.contentType} before the load:`)}
    <pre>${prettySample(sample.request)}</pre>
    ${paragraph('Answer:')}
    <pre>${prettySample(sample.response)}</pre>`;
}
