import { formatDuration, formatMetric, formatTime } from '../markdown-format';
import { endedPhrase } from '../outcome-words';
import type { ReportGate, ReportMetrics, ReportStep, RunReport } from '../run-report';
import {
  badge,
  emptyNote,
  factList,
  htmlTable,
  paragraph,
  section,
  type Cell,
} from './html-blocks';
import { markup, type Html } from './html-text';

/**
 * The page's sections up to the decision: steps, leaderboard, chosen model
 * and gates, registry, decision trail. They say what the Markdown report
 * says (render-markdown.ts), with the same words for a part the run never
 * reached.
 */

export function stepsSection(report: RunReport): Html {
  return section('steps', 'Steps', [
    htmlTable(
      ['step', 'status', 'started', 'duration', 'note'],
      report.steps.map((step) => [
        step.step,
        stepStatus(step),
        formatTime(step.startedAt),
        formatDuration(step.durationMs),
        step.note ?? '',
      ]),
      ['left', 'left', 'left', 'right', 'left'],
    ),
  ]);
}

function stepStatus(step: ReportStep): Html {
  return markup`<span class="status status-${step.status}">${step.status}</span>`;
}

export function leaderboardSection(report: RunReport, chart: Html | null): Html {
  const { leaderboard, candidates } = report;
  const failed = candidates.failed.length
    ? [
        paragraph(
          `${candidates.failed.length} of ${candidates.total} candidates failed and have no row:`,
        ),
        markup`<ul>
          ${candidates.failed.map(
            (c) => markup`<li>${c.id} (${c.algorithm}): ${c.error ?? 'no error message'}</li>`,
          )}
        </ul>`,
      ]
    : [];
  if (leaderboard.length === 0) {
    return section('leaderboard', 'Leaderboard', [
      emptyNote('No candidate produced metrics'),
      ...failed,
    ]);
  }
  const others = [...new Set(leaderboard.flatMap((row) => Object.keys(row.metrics)))]
    .filter((name) => name !== report.objective)
    .sort((a, b) => byObjectiveThenName(report.objective, a, b)) as (keyof ReportMetrics)[];
  const winner = report.chosenModel?.candidateId;
  const table = htmlTable(
    ['rank', 'candidate', 'algorithm', `${report.objective} (objective)`, ...others, 'gates'],
    leaderboard.map((row): Cell[] => [
      String(row.rank),
      row.id === winner ? markup`${row.id} <span class="badge pass">chosen</span>` : row.id,
      row.algorithm,
      formatMetric(row.objectiveValue),
      ...others.map((name) => formatMetric(row.metrics[name])),
      gatesCell(row.gates, row.passedGates),
    ]),
    ['right', 'left', 'left', 'right', ...others.map(() => 'right' as const), 'left'],
  );
  return section('leaderboard', 'Leaderboard', [chart, table, ...failed]);
}

/** The objective first, then the other metrics by name (code-unit order, the same on every locale). */
function byObjectiveThenName(objective: string, a: string, b: string): number {
  if (a === objective || b === objective) return a === objective ? (b === objective ? 0 : -1) : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function gatesCell(gates: readonly ReportGate[], passed: boolean): Cell {
  if (gates.length === 0) return '-';
  if (passed) return badge(true);
  const failures = gates.filter((gate) => !gate.passed).map((gate) => gate.gate.trim());
  return markup`${badge(false)} ${failures.join(', ')}`;
}

export function chosenModelSection(report: RunReport): Html {
  const chosen = report.chosenModel;
  const parts: Html[] = [];
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
      factList([
        ['Candidate', `${chosen.candidateId} (${chosen.algorithm}), rank ${chosen.rank}`],
        [`${report.objective} (objective)`, formatMetric(chosen.objectiveValue)],
        ['Hyperparameters', hyperparameters || 'none'],
        ['Metrics', metrics || 'none'],
      ]),
    );
  } else {
    parts.push(emptyNote(`No model chosen: ${report.reason ?? endedPhrase(report.outcome)}`));
  }
  const gates = report.gates;
  if (gates) parts.push(...gateParts(report, gates, chosen === null));
  return section('gates', 'Chosen model and gates', parts);
}

function gateParts(
  report: RunReport,
  gates: NonNullable<RunReport['gates']>,
  isBestCandidate: boolean,
): Html[] {
  const whose = isBestCandidate ? ` of the best candidate, ${gates.candidateId}` : '';
  const thresholds =
    gates.thresholds.length === 0
      ? [paragraph(`Threshold gates${whose}: none configured.`)]
      : [
          paragraph(`Threshold gates${whose}: `, badge(gates.passedThresholds)),
          htmlTable(
            ['gate', 'observed', 'result'],
            gates.thresholds.map((gate) => [
              gate.gate.trim(),
              formatMetric(gate.observed),
              badge(gate.passed),
            ]),
            ['left', 'right', 'left'],
          ),
        ];
  const champion = gates.champion;
  if (!champion) return [...thresholds, paragraph('Champion gate: not checked in this run.')];
  const against = champion.champion
    ? [
        [
          'Champion',
          `version ${champion.champion.version} (${champion.champion.algorithm}), ${report.objective} ` +
            `${formatMetric(champion.champion.metrics[report.objective as keyof ReportMetrics])} on this run's test split`,
        ] as const,
      ]
    : [];
  return [
    ...thresholds,
    paragraph('Champion gate: ', badge(champion.passed)),
    factList([...against, ['Verdict', champion.reason]]),
  ];
}

export function registrySection(report: RunReport): Html {
  const registered = report.registered;
  return section('registry', 'Registry', [
    registered
      ? factList([
          ['Model group', registered.group],
          ['Version', String(registered.version)],
          [
            'Status',
            markup`<span class="status status-${registered.status}">${registered.status}</span>`,
          ],
        ])
      : emptyNote(`Not registered: ${endedPhrase(report.outcome)}`),
  ]);
}

export function decisionTrailSection(report: RunReport): Html {
  const trail = report.decisionTrail;
  const body =
    trail === null
      ? emptyNote(`No decision: ${endedPhrase(report.outcome)}`)
      : trail.length === 0
        ? emptyNote('No decision reached the run')
        : htmlTable(
            ['at', 'via', 'action', 'by', 'message', 'result'],
            trail.map((entry) => [
              formatTime(entry.at),
              entry.via,
              entry.action,
              entry.approver,
              entry.message,
              entry.accepted
                ? badge(true, 'accepted')
                : markup`${badge(false, 'refused')} ${entry.reason ?? 'no reason given'}`,
            ]),
          );
  return section('decision-trail', 'Decision trail', [body]);
}
