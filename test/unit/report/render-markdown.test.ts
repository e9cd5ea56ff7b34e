import { buildRunReport, renderMarkdown } from '../../../src/report';
import type { LoadTimelinePoint } from '../../../src/loadtest/load-types';
import { sectionOf, tableIn, tablesIn } from './markdown-reading';
import {
  ALL_RUNS,
  DEPLOYED_SCALING,
  deployedResult,
  noCandidatePassedResult,
  rejectedResult,
  reportInput,
  rolledBackResult,
  timeline,
  chosen,
} from './run-fixtures';
import type { LeaderboardRow } from '../../../src/evaluation/select';

const SECTIONS = [
  '## Steps',
  '## Leaderboard',
  '## Chosen model and gates',
  '## Registry',
  '## Decision trail',
  '## Deployment',
  '## Load test',
  '## Scaling timeline',
  '## Rollback',
];

function deployedMarkdown(): string {
  return renderMarkdown(buildRunReport(reportInput(deployedResult(), DEPLOYED_SCALING)));
}

describe('renderMarkdown', () => {
  test.each(ALL_RUNS)('has every section heading, in order, for a %s run', (_, input) => {
    const lines = renderMarkdown(buildRunReport(input())).split('\n');
    const positions = SECTIONS.map((heading) => lines.indexOf(heading));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test.each(ALL_RUNS)('lists all eight steps in the steps table of a %s run', (_, input) => {
    const markdown = renderMarkdown(buildRunReport(input()));
    const rows = tableIn(sectionOf(markdown, '## Steps'));
    expect(rows.map((cells) => cells[0])).toEqual([
      'prepare',
      'train',
      'select',
      'register',
      'approve',
      'deploy',
      'loadTest',
      'report',
    ]);
    for (const cells of rows.filter((c) => c[1] === 'skipped')) expect(cells[4]).not.toBe('');
  });

  test('opens with the run id, the outcome and the verdict line', () => {
    const lines = deployedMarkdown().split('\n');
    expect(lines[0]).toBe('# Run ferry-a1b2c3: deployed');
    expect(lines[2]).toBe(
      '**Deployed churn v3 to endpoint churn; load test passed: p99 41.2 ms <= 250 ms, errors 0.00% <= 1.00%**',
    );
  });

  test('names the breached figure in the verdict line of a rolled-back run', () => {
    const markdown = renderMarkdown(
      buildRunReport(reportInput(rolledBackResult(), DEPLOYED_SCALING)),
    );
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('# Run ferry-d4e5f6: rolled back');
    expect(lines[2]).toMatch(/^\*\*Rolled back: p99 latency 412\.3 ms is over the SLO's 250 ms/);
    expect(sectionOf(markdown, '## Load test')).toMatch(
      /^SLO verdict: \*\*failed\*\*: p99 latency 412\.3 ms is over the SLO's 250 ms$/m,
    );
    const breaches = tablesIn(sectionOf(markdown, '## Load test'))[0];
    expect(breaches).toEqual([
      ['latencyP99Ms', '412.3 ms', '250.0 ms', "p99 latency 412.3 ms is over the SLO's 250 ms"],
    ]);
    expect(sectionOf(markdown, '## Rollback')).toMatch(/restored to churn v2 \(xgboost\)/);
  });

  test('has one leaderboard row per scored candidate, its CV spread, and the failed one below', () => {
    const section = sectionOf(deployedMarkdown(), '## Leaderboard');
    expect(section).toContain(
      'Candidates are ranked by 5-fold cross-validation on train + validation (5,950 rows) (chosen by the size rule). The test split is read once, for the chosen model and the champion.',
    );
    const rows = tableIn(section);
    expect(rows.map((cells) => cells[1])).toEqual(['c02 (chosen)', 'c01', 'c03']);
    expect(rows[0]).toEqual([
      '1',
      'c02 (chosen)',
      'xgboost',
      '0.8123 ± 0.0100',
      '0.7100',
      '0.3750',
    ]);
    // Escaped as in a table cell; it reads "training | exited with code 1".
    expect(section).toContain('- c04 (xgboost): training \\| exited with code 1');
  });

  test('shows an ensemble with its members and weights, and says its ranking score is optimistic', () => {
    const base = deployedResult();
    const [first, ...rest] = base.leaderboard as [LeaderboardRow, ...LeaderboardRow[]];
    const ensemble: LeaderboardRow = {
      ...first,
      id: 'ensemble',
      index: 5,
      algorithm: 'ensemble',
      hyperparameters: {},
      members: [
        { id: 'c01', weight: 0.36 },
        { id: 'c02', weight: 0.64 },
      ],
    };
    const leaderboard = [
      ensemble,
      ...[first, ...rest].map((row) => ({ ...row, rank: row.rank + 1 })),
    ];
    const result = { ...base, leaderboard, winner: { ...chosen(ensemble), hyperparameters: {} } };
    const markdown = renderMarkdown(buildRunReport(reportInput(result, DEPLOYED_SCALING)));
    const section = sectionOf(markdown, '## Leaderboard');
    expect(section).toContain(
      "The ensemble's weights were chosen on the same rows its score is measured on, so its ranking score is slightly optimistic",
    );
    expect(tableIn(section)[0]?.slice(1, 3)).toEqual([
      'ensemble (chosen)',
      'ensemble (c02 0.64, c01 0.36)',
    ]);
    const facts = sectionOf(markdown, '## Chosen model and gates');
    expect(facts).toContain('c02 0.64, c01 0.36');
    expect(facts).toContain('each member refit on train + validation');
    // A run without an ensemble says nothing of one.
    expect(sectionOf(deployedMarkdown(), '## Leaderboard')).not.toContain('ensemble');
  });

  test('shows the chosen model and the gate its test score failed when no candidate passed', () => {
    const markdown = renderMarkdown(buildRunReport(reportInput(noCandidatePassedResult())));
    const rows = tableIn(sectionOf(markdown, '## Leaderboard'));
    expect(rows).toHaveLength(3);
    expect(markdown).not.toContain('- Reason:');
    const gates = sectionOf(markdown, '## Chosen model and gates');
    expect(gates).toContain('- Candidate: c02 (xgboost), rank 1');
    expect(gates).toContain('Threshold gates (c02 on the test split): **failed**');
    expect(tableIn(gates)).toEqual([['roc_auc >= 0.80', '0.7160', 'fail']]);
  });

  test('escapes a | in a decision message so the trail table keeps its columns', () => {
    const section = sectionOf(deployedMarkdown(), '## Decision trail');
    expect(section).toContain('ok \\| ship it');
    const rows = tableIn(section);
    expect(rows).toHaveLength(2);
    for (const cells of rows) expect(cells).toHaveLength(6);
    expect(rows[1]?.[3]).toBe('alice (ferry-api)');
    expect(rows[1]?.[4]).toBe('ok \\| ship it');
    expect(rows[0]?.[5]).toBe('refused: carol started the run \\| and may not decide it');
  });

  test('says in one line why a rejected run has no deployment, load test or rollback', () => {
    const markdown = renderMarkdown(buildRunReport(reportInput(rejectedResult())));
    expect(sectionOf(markdown, '## Deployment').trim()).toBe(
      '_Not deployed: the run ended rejected._',
    );
    expect(sectionOf(markdown, '## Load test').trim()).toBe(
      '_No load test: not deployed, as the run ended rejected._',
    );
    expect(sectionOf(markdown, '## Scaling timeline').trim()).toMatch(/^_No scaling activity/);
    expect(sectionOf(markdown, '## Rollback').trim()).toMatch(
      /^_No rollback: nothing was deployed/,
    );
  });

  test('says a run where no candidate passed has no registry entry and no decision', () => {
    const markdown = renderMarkdown(buildRunReport(reportInput(noCandidatePassedResult())));
    expect(sectionOf(markdown, '## Registry').trim()).toBe(
      '_Not registered: the run ended with no candidate passing the gates._',
    );
    expect(sectionOf(markdown, '## Decision trail').trim()).toBe(
      '_No decision: the run ended with no candidate passing the gates._',
    );
  });

  test('shows the scaling timeline oldest first with the replica change', () => {
    const rows = tableIn(sectionOf(deployedMarkdown(), '## Scaling timeline'));
    expect(rows).toEqual([
      ['2025-03-01 10:01:15Z', '1 → 3', '62 invocations/replica'],
      ['2025-03-01 10:02:10Z', '3 → 1', 'load fell \\| scale in'],
    ]);
  });

  test('describes the chosen model with its hyperparameters, metrics and both gates', () => {
    const section = sectionOf(deployedMarkdown(), '## Chosen model and gates');
    expect(section).toContain('- Candidate: c02 (xgboost), rank 1');
    expect(section).toContain('- Trained: refit on train + validation (5950 rows)');
    expect(section).toContain(
      '- roc_auc (objective): 0.8083 on the test split (1057 rows); 0.8123 when ranked',
    );
    expect(section).toContain('- Hyperparameters: eta=0.1, max_depth=3, num_round=41');
    expect(section).toContain('- Test metrics: roc_auc 0.8083, f1 0.7000, log_loss 0.4100');
    expect(tableIn(section)).toEqual([['roc_auc >= 0.75', '0.8083', 'pass']]);
    expect(section).toContain('Champion gate: **passed**');
    expect(section).toContain('- Champion: version 2 (xgboost), roc_auc 0.7900');
  });

  test('shows the auto scaling policy under the deployment', () => {
    const section = sectionOf(deployedMarkdown(), '## Deployment');
    expect(section).toContain('- Previous version: churn v2');
    expect(tableIn(sectionOf(section, '### Auto scaling policy'))).toContainEqual([
      'replicas (min to max)',
      '1 to 4',
    ]);
  });

  test('formats latencies in ms with one decimal and rates as percentages', () => {
    const markdown = renderMarkdown(
      buildRunReport(reportInput(rolledBackResult(), DEPLOYED_SCALING)),
    );
    const overall = sectionOf(markdown, '### Overall');
    expect(tableIn(overall)[0]).toEqual([
      'from intended send time',
      '103.1 ms',
      '206.2 ms',
      '412.3 ms',
      '494.8 ms',
      '618.5 ms',
      '137.4 ms',
      '1,200',
    ]);
    expect(overall).toContain('error rate 4.76%');
    expect(tableIn(sectionOf(markdown, '### Errors by kind'))).toEqual([
      ['http-500', '59', '4.68%'],
      ['timeout', '1', '0.08%'],
    ]);
    expect(tableIn(sectionOf(markdown, '### Phases'))).toHaveLength(2);
  });

  test('shows a short timeline one row per second', () => {
    const rows = tableIn(sectionOf(deployedMarkdown(), '### Timeline'));
    expect(rows).toHaveLength(30);
    expect(rows[0]).toEqual(['0', '20', '20', '0', '10.0 ms', '40.0 ms']);
  });

  test('groups a ten-minute timeline under the row cap, keeping the total sent', () => {
    const result = deployedResult();
    const loadTest = result.release?.loadTest;
    if (!loadTest) throw new Error('the deployed fixture has a load test');
    const points: LoadTimelinePoint[] = timeline(600, 20, 1);
    const long = {
      ...result,
      release: {
        ...result.release,
        loadTest: { ...loadTest, result: { ...loadTest.result, timeline: points } },
      },
    };
    const markdown = renderMarkdown(buildRunReport(reportInput(long)));
    const section = sectionOf(markdown, '### Timeline');
    const rows = tableIn(section);
    expect(rows.length).toBeLessThanOrEqual(40);
    expect(rows[0]?.[0]).toBe('0–14');
    const total = (column: number) =>
      rows.reduce((sum, cells) => sum + Number((cells[column] ?? '').replace(/,/g, '')), 0);
    expect(total(1)).toBe(points.reduce((sum, point) => sum + point.sent, 0));
    expect(total(3)).toBe(600);
    expect(section).toContain('One row per 15 s');
  });

  test('shows the sample request and answer as indented JSON', () => {
    const section = sectionOf(deployedMarkdown(), '### Sample request');
    expect(section).toContain('```json\n{\n  "instances": [');
    expect(section).toContain('"label": "yes"');
  });
});
