import { refusalReason } from '../../text/leaderboard-text';
import { endedPhrase } from '../outcome-words';
import type { ReportGates, ReportStep, RunReport } from '../run-report';
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
} from '../run-text';
import { badge, emptyNote, factList, htmlTableOf, paragraph, section } from './html-blocks';
import { markup, type Html } from './html-text';

/**
 * The page's sections up to the decision: steps, leaderboard, chosen model
 * and gates, registry, decision trail. They say what the Markdown report
 * says (render-markdown.ts): the words and tables come from run-text.ts,
 * shared with it, and this file lays them out as HTML.
 */

export function stepsSection(report: RunReport): Html {
  return section('steps', 'Steps', [htmlTableOf(stepsTable(report.steps, stepStatus))]);
}

function stepStatus(step: ReportStep): Html {
  return markup`<span class="status status-${step.status}">${step.status}</span>`;
}

export function leaderboardSection(report: RunReport, chart: Html | null): Html {
  const failed = failedCandidates(report.candidates);
  const failedList = failed
    ? [
        paragraph(failed.lead),
        markup`<ul>
          ${failed.lines.map((line) => markup`<li>${line}</li>`)}
        </ul>`,
      ]
    : [];
  if (report.leaderboard.length === 0) {
    return section('leaderboard', 'Leaderboard', [
      emptyNote('No candidate produced metrics'),
      ...failedList,
    ]);
  }
  const table = leaderboardTable(
    report,
    (id) => markup`${id} <span class="badge pass">chosen</span>`,
  );
  return section('leaderboard', 'Leaderboard', [
    paragraph(rankingNote(report)),
    chart,
    htmlTableOf(table),
    ...failedList,
  ]);
}

export function chosenModelSection(report: RunReport): Html {
  const chosen = report.chosenModel;
  const parts = [
    chosen ? factList(chosenModelFacts(report, chosen)) : emptyNote(noModelChosenWhy(report)),
  ];
  const gates = report.gates;
  if (gates) parts.push(...gateParts(report, gates));
  return section('gates', 'Chosen model and gates', parts);
}

function gateParts(report: RunReport, gates: ReportGates): Html[] {
  const label = thresholdGatesLabel(gates);
  const thresholds =
    gates.thresholds.length === 0
      ? [paragraph(`${label}: none configured.`)]
      : [
          paragraph(`${label}: `, badge(gates.passedThresholds)),
          htmlTableOf(thresholdTable(gates, (passed) => badge(passed))),
        ];
  const champion = gates.champion;
  if (!champion) return [...thresholds, paragraph('Champion gate: not checked in this run.')];
  const against = championFact(report, champion);
  return [
    ...thresholds,
    paragraph('Champion gate: ', badge(champion.passed)),
    factList([...(against ? [against] : []), ['Verdict', champion.reason]]),
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
      : htmlTableOf(
          decisionTrailTable(trail, (entry) =>
            entry.accepted
              ? badge(true, 'accepted')
              : markup`${badge(false, 'refused')} ${refusalReason(entry)}`,
          ),
        );
  return section('decision-trail', 'Decision trail', [body]);
}
