import { decisionResult } from '../text/leaderboard-text';
import { formatTime } from '../text/numbers';
import { emptyNote, markdownTableOf } from './markdown-table';
import { codeSpan } from './markdown-text';
import { markdownSafe as esc } from '../text/safe-text';
import { endedPhrase, outcomeLabel } from './outcome-words';
import { renderLoadTest } from './render-load-test';
import { renderDeployment, renderRollback, renderScaling } from './render-release';
import type { RunReport } from './run-report';
import {
  chosenModelFacts,
  championFact,
  decisionTrailTable,
  failedCandidates,
  leaderboardTable,
  noModelChosenWhy,
  rankingNote,
  stepsTable,
  thresholdGatesLabel,
  thresholdTable,
} from './run-text';
import type { Fact } from '../text/text-table';

/**
 * The report as a Markdown document: the outcome in one line at the top,
 * then one section per part of the run, in pipeline order. Every section is
 * always there; one the run never reached says why in a line, so a reader
 * can tell "not deployed" from "left out". Pure: the caller writes the file.
 * The words and tables are shared with the HTML page (run-text.ts and its
 * siblings); the renderers differ only in how they lay them out. Those
 * words are plain text that may quote names and messages, so every one is
 * escaped (esc, codeSpan, the tables' cells) where it meets Markdown.
 */
export function renderMarkdown(report: RunReport): string {
  const sections = [
    renderTitle(report),
    section('Steps', renderSteps(report)),
    section('Leaderboard', renderLeaderboard(report)),
    section('Chosen model and gates', renderChosenModel(report)),
    section('Registry', renderRegistry(report)),
    section('Decision trail', renderDecisionTrail(report)),
    section('Deployment', renderDeployment(report)),
    section('Load test', renderLoadTest(report)),
    section('Scaling timeline', renderScaling(report)),
    section('Rollback', renderRollback(report)),
  ];
  return `${sections.join('\n\n')}\n`;
}

function section(title: string, body: string): string {
  return `## ${title}\n\n${body}`;
}

function renderTitle(report: RunReport): string {
  const facts = [
    `- Pipeline: ${esc(report.pipeline)}`,
    `- Objective: ${esc(report.objective)}`,
    `- Started by: ${esc(report.startedBy)} (verified)`,
    ...(report.approvalPolicy
      ? [`- Approval policy: ${esc(report.approvalPolicy.description)}`]
      : []),
    ...(report.approvalPolicy?.notes ?? []).map((note) => `  - ${esc(note)}`),
    `- Dataset fingerprint: ${codeSpan(report.datasetFingerprint)}`,
    // The headline often is the reason (no candidate passed); say it once.
    ...(report.reason !== null && !report.headline.includes(report.reason)
      ? [`- Reason: ${esc(report.reason)}`]
      : []),
    `- Report generated: ${esc(formatTime(report.generatedAt))} (report version ${report.reportVersion})`,
  ];
  return [
    `# Run ${esc(report.runId)}: ${esc(outcomeLabel(report.outcome))}`,
    `**${esc(report.headline)}**`,
    facts.join('\n'),
  ].join('\n\n');
}

function renderSteps(report: RunReport): string {
  return markdownTableOf(stepsTable(report.steps, (step) => step.status));
}

function renderLeaderboard(report: RunReport): string {
  const failed = failedCandidates(report.candidates);
  const failedList = failed
    ? `${esc(failed.lead)}\n\n${failed.lines.map((line) => `- ${esc(line)}`).join('\n')}`
    : '';
  if (report.leaderboard.length === 0) {
    return [emptyNote('No candidate produced metrics'), failedList].filter(Boolean).join('\n\n');
  }
  const table = leaderboardTable(report, (id) => `${id} (chosen)`);
  return [esc(rankingNote(report)), markdownTableOf(table), failedList]
    .filter(Boolean)
    .join('\n\n');
}

function renderChosenModel(report: RunReport): string {
  const chosen = report.chosenModel;
  const parts = [
    chosen ? bullets(chosenModelFacts(report, chosen)) : emptyNote(noModelChosenWhy(report)),
  ];
  const gates = report.gates;
  if (!gates) return parts.join('\n\n');

  const label = esc(thresholdGatesLabel(gates));
  parts.push(
    gates.thresholds.length === 0
      ? `${label}: none configured.`
      : [
          `${label}: **${gates.passedThresholds ? 'passed' : 'failed'}**`,
          markdownTableOf(thresholdTable(gates, (passed) => (passed ? 'pass' : 'fail'))),
        ].join('\n\n'),
  );
  const champion = gates.champion;
  if (!champion) {
    parts.push('Champion gate: not checked in this run.');
  } else {
    const against = championFact(report, champion);
    parts.push(
      `Champion gate: **${champion.passed ? 'passed' : 'failed'}**\n\n` +
        `${against ? `${bullets([against])}\n` : ''}- ${esc(champion.reason)}`,
    );
  }
  return parts.join('\n\n');
}

/** Facts as a bullet list, "- Label: text" a line. */
function bullets(facts: readonly Fact[]): string {
  return facts.map(([label, text]) => `- ${esc(label)}: ${esc(text)}`).join('\n');
}

function renderRegistry(report: RunReport): string {
  const registered = report.registered;
  if (!registered) return emptyNote(`Not registered: ${endedPhrase(report.outcome)}`);
  return [
    `- Model group: ${esc(registered.group)}`,
    `- Version: ${registered.version}`,
    `- Status: **${esc(registered.status)}**`,
  ].join('\n');
}

function renderDecisionTrail(report: RunReport): string {
  const trail = report.decisionTrail;
  if (trail === null) return emptyNote(`No decision: ${endedPhrase(report.outcome)}`);
  return markdownTableOf(decisionTrailTable(trail, decisionResult));
}
