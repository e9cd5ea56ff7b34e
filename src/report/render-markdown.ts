import { formatDuration, formatMetric, formatTime } from './markdown-format';
import { emptyNote, markdownTable } from './markdown-table';
import { endedPhrase, outcomeLabel } from './outcome-words';
import { renderLoadTest } from './render-load-test';
import { renderDeployment, renderRollback, renderScaling } from './render-release';
import type { ReportGate, ReportMetrics, RunReport } from './run-report';

/**
 * The report as a Markdown document: the outcome in one line at the top,
 * then one section per part of the run, in pipeline order. Every section is
 * always there; one the run never reached says why in a line, so a reader
 * can tell "not deployed" from "left out". Pure: the caller writes the file.
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
    `- Pipeline: ${report.pipeline}`,
    `- Objective: ${report.objective}`,
    `- Started by: ${report.startedBy}`,
    `- Dataset fingerprint: \`${report.datasetFingerprint}\``,
    // The headline often is the reason (no candidate passed); say it once.
    ...(report.reason !== null && !report.headline.includes(report.reason)
      ? [`- Reason: ${report.reason}`]
      : []),
    `- Report generated: ${formatTime(report.generatedAt)} (report version ${report.reportVersion})`,
  ];
  return [
    `# Run ${report.runId}: ${outcomeLabel(report.outcome)}`,
    `**${report.headline}**`,
    facts.join('\n'),
  ].join('\n\n');
}

function renderSteps(report: RunReport): string {
  return markdownTable(
    ['step', 'status', 'started', 'duration', 'note'],
    report.steps.map((step) => [
      step.step,
      step.status,
      formatTime(step.startedAt),
      formatDuration(step.durationMs),
      step.note ?? '',
    ]),
    ['left', 'left', 'left', 'right', 'left'],
  );
}

function renderLeaderboard(report: RunReport): string {
  const { leaderboard, candidates } = report;
  const failed = candidates.failed.length
    ? [
        `${candidates.failed.length} of ${candidates.total} candidates failed and have no row:`,
        candidates.failed
          .map((c) => `- ${c.id} (${c.algorithm}): ${c.error ?? 'no error message'}`)
          .join('\n'),
      ].join('\n\n')
    : '';
  if (leaderboard.length === 0) {
    return [emptyNote('No candidate produced metrics'), failed].filter(Boolean).join('\n\n');
  }
  const others = [...new Set(leaderboard.flatMap((row) => Object.keys(row.metrics)))]
    .filter((name) => name !== report.objective)
    .sort((a, b) => byObjectiveThenName(report.objective, a, b)) as (keyof ReportMetrics)[];
  const winner = report.chosenModel?.candidateId;
  const table = markdownTable(
    ['rank', 'candidate', 'algorithm', `${report.objective} (objective)`, ...others, 'gates'],
    leaderboard.map((row) => [
      String(row.rank),
      row.id === winner ? `${row.id} (chosen)` : row.id,
      row.algorithm,
      formatMetric(row.objectiveValue),
      ...others.map((name) => formatMetric(row.metrics[name])),
      gatesCell(row.gates, row.passedGates),
    ]),
    ['right', 'left', 'left', 'right', ...others.map(() => 'right' as const), 'left'],
  );
  return [table, failed].filter(Boolean).join('\n\n');
}

/** The objective first, then the other metrics by name (code-unit order, the same on every locale). */
function byObjectiveThenName(objective: string, a: string, b: string): number {
  if (a === objective || b === objective) return a === objective ? (b === objective ? 0 : -1) : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function gatesCell(gates: readonly ReportGate[], passed: boolean): string {
  if (gates.length === 0) return '-';
  if (passed) return 'pass';
  const failures = gates.filter((gate) => !gate.passed).map((gate) => gate.gate.trim());
  return `fail: ${failures.join(', ')}`;
}

function renderChosenModel(report: RunReport): string {
  const chosen = report.chosenModel;
  const parts: string[] = [];
  if (chosen) {
    const hyperparameters = Object.entries(chosen.hyperparameters)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join(', ');
    const metrics = Object.entries(chosen.metrics)
      .sort(([a], [b]) => byObjectiveThenName(report.objective, a, b))
      .map(([name, value]) => `${name} ${formatMetric(value)}`)
      .join(', ');
    parts.push(
      [
        `- Candidate: ${chosen.candidateId} (${chosen.algorithm}), rank ${chosen.rank}`,
        `- ${report.objective} (objective): ${formatMetric(chosen.objectiveValue)}`,
        `- Hyperparameters: ${hyperparameters || 'none'}`,
        `- Metrics: ${metrics || 'none'}`,
      ].join('\n'),
    );
  } else {
    parts.push(emptyNote(`No model chosen: ${report.reason ?? endedPhrase(report.outcome)}`));
  }
  const gates = report.gates;
  if (!gates) return parts.join('\n\n');

  const whose = chosen ? '' : ` of the best candidate, ${gates.candidateId}`;
  parts.push(
    gates.thresholds.length === 0
      ? `Threshold gates${whose}: none configured.`
      : [
          `Threshold gates${whose}: **${gates.passedThresholds ? 'passed' : 'failed'}**`,
          markdownTable(
            ['gate', 'observed', 'result'],
            gates.thresholds.map((gate) => [
              gate.gate.trim(),
              formatMetric(gate.observed),
              gate.passed ? 'pass' : 'fail',
            ]),
            ['left', 'right', 'left'],
          ),
        ].join('\n\n'),
  );
  const champion = gates.champion;
  if (!champion) {
    parts.push('Champion gate: not checked in this run.');
  } else {
    const against = champion.champion
      ? `- Champion: version ${champion.champion.version} (${champion.champion.algorithm}), ${report.objective} ${formatMetric(champion.champion.metrics[report.objective as keyof ReportMetrics])} on this run's test split\n`
      : '';
    parts.push(
      `Champion gate: **${champion.passed ? 'passed' : 'failed'}**\n\n${against}- ${champion.reason}`,
    );
  }
  return parts.join('\n\n');
}

function renderRegistry(report: RunReport): string {
  const registered = report.registered;
  if (!registered) return emptyNote(`Not registered: ${endedPhrase(report.outcome)}`);
  return [
    `- Model group: ${registered.group}`,
    `- Version: ${registered.version}`,
    `- Status: **${registered.status}**`,
  ].join('\n');
}

function renderDecisionTrail(report: RunReport): string {
  const trail = report.decisionTrail;
  if (trail === null) return emptyNote(`No decision: ${endedPhrase(report.outcome)}`);
  if (trail.length === 0) return emptyNote('No decision reached the run');
  return markdownTable(
    ['at', 'via', 'action', 'by', 'message', 'result'],
    trail.map((entry) => [
      formatTime(entry.at),
      entry.via,
      entry.action,
      entry.approver,
      entry.message,
      entry.accepted ? 'accepted' : `refused: ${entry.reason ?? 'no reason given'}`,
    ]),
  );
}
