import { buildRunReport, renderMarkdown } from '../../../src/report';
import { PIPELINE_STEPS } from '../../../src/workflows/release-definitions';
import {
  ALL_RUNS,
  DEPLOYED_SCALING,
  deployedResult,
  noCandidatePassedResult,
  rejectedResult,
  reportInput,
  rolledBackResult,
} from './run-fixtures';

describe('buildRunReport', () => {
  test.each(ALL_RUNS)('lists all eight steps in pipeline order for a %s run', (_, input) => {
    const report = buildRunReport(input());
    expect(report.steps.map((step) => step.step)).toEqual([...PIPELINE_STEPS]);
  });

  test.each(ALL_RUNS)('round-trips a %s run through JSON unchanged', (_, input) => {
    const report = buildRunReport(input());
    expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report);
  });

  test('keeps every recorded step of a deployed run as done, with its duration', () => {
    const report = buildRunReport(reportInput(deployedResult(), DEPLOYED_SCALING));
    expect(report.steps.map((step) => step.status)).toEqual(Array(8).fill('done'));
    expect(report.steps.map((step) => step.durationMs)).toEqual(Array(8).fill(10_000));
    expect(report.steps[7]?.note).toBe('report.json and report.md');
  });

  test('marks the steps a rejected run never reached as skipped, saying it ended rejected', () => {
    const report = buildRunReport(reportInput(rejectedResult()));
    expect(report.steps.map((step) => [step.step, step.status])).toEqual([
      ['prepare', 'done'],
      ['train', 'done'],
      ['select', 'done'],
      ['register', 'done'],
      ['approve', 'done'],
      ['deploy', 'skipped'],
      ['loadTest', 'skipped'],
      ['report', 'done'],
    ]);
    for (const step of report.steps.filter((s) => s.status === 'skipped')) {
      expect(step.note).toBe('the run ended rejected before this step');
      expect(step.startedAt).toBeNull();
    }
  });

  test('marks register to load test skipped when no candidate passed the gates', () => {
    const report = buildRunReport(reportInput(noCandidatePassedResult()));
    const skipped = report.steps.filter((step) => step.status === 'skipped');
    expect(skipped.map((step) => step.step)).toEqual(['register', 'approve', 'deploy', 'loadTest']);
    for (const step of skipped) expect(step.note).toMatch(/no candidate passing the gates/);
  });

  test('says a step after a failed one did not run because of that failure', () => {
    const result = rejectedResult();
    const steps = result.steps.slice(0, 4);
    steps[3] = { ...steps[3]!, status: 'failed', note: 'registry unavailable' };
    const report = buildRunReport(reportInput({ ...result, steps }));
    expect(report.steps[3]).toMatchObject({ status: 'failed', note: 'registry unavailable' });
    expect(report.steps[5]?.note).toBe('the register step failed, so this step did not run');
  });

  test('holds the winner, its gates and the champion verdict of a deployed run', () => {
    const report = buildRunReport(reportInput(deployedResult(), DEPLOYED_SCALING));
    expect(report.chosenModel).toEqual({
      candidateId: 'c02',
      rank: 1,
      algorithm: 'xgboost',
      hyperparameters: { max_depth: 3, eta: 0.1, num_round: 41 },
      members: null,
      trainedOn: 'train+validation',
      trainingRows: 5_950,
      rankingValue: 0.8123,
      test: { roc_auc: 0.8083, f1: 0.7, log_loss: 0.41 },
      testRows: 1_057,
      testObjectiveValue: 0.8083,
    });
    expect(report.gates).toMatchObject({
      candidateId: 'c02',
      passedThresholds: true,
      thresholds: [{ gate: 'roc_auc >= 0.75', observed: 0.8083, passed: true }],
      champion: { passed: true, champion: { version: 2, metrics: { roc_auc: 0.79 } } },
    });
    expect(report.registered).toEqual({ group: 'churn', version: 3, status: 'Approved' });
    expect(report.leaderboard).toHaveLength(3);
    expect(report.candidates).toEqual({
      total: 4,
      succeeded: 3,
      failed: [{ id: 'c04', algorithm: 'xgboost', error: 'training | exited with code 1' }],
    });
  });

  test('holds the deployment, policy and load test of a deployed run, and no rollback', () => {
    const input = reportInput(deployedResult(), DEPLOYED_SCALING);
    const report = buildRunReport(input);
    expect(report.deployment).toMatchObject({
      endpoint: 'churn',
      previous: { group: 'churn', version: 2 },
      model: { version: 3 },
    });
    expect(report.autoscaling?.policy.maxReplicas).toBe(4);
    expect(report.loadTest).toEqual(input.result.release?.loadTest);
    expect(report.rollback).toBeNull();
    expect(report.headline).toBe(
      'Deployed churn v3 to endpoint churn; load test passed: p99 41.2 ms <= 250 ms, errors 0.00% <= 1.00%',
    );
  });

  test('reports a first deployment, with nothing to go back to, as previous: null', () => {
    const result = deployedResult();
    const deployment = result.release?.deployment;
    if (!deployment) throw new Error('the deployed fixture has a deployment');
    const { previous: _previous, ...first } = deployment;
    const report = buildRunReport(
      reportInput({ ...result, release: { ...result.release, deployment: first } }),
    );
    expect(report.deployment?.previous).toBeNull();
    expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report);
    expect(renderMarkdown(report)).toContain('- Previous version: none (first deployment)');
  });

  test('orders the scaling timeline oldest first', () => {
    const report = buildRunReport(reportInput(deployedResult(), DEPLOYED_SCALING));
    expect(report.scaling.map((activity) => activity.toReplicas)).toEqual([3, 1]);
  });

  test('names the breached figure in the headline of a rolled-back run', () => {
    const report = buildRunReport(reportInput(rolledBackResult(), DEPLOYED_SCALING));
    expect(report.headline).toBe(
      "Rolled back: p99 latency 412.3 ms is over the SLO's 250 ms; endpoint churn is back on churn v2",
    );
    expect(report.rollback).toMatchObject({ action: 'restored', restored: { version: 2 } });
    expect(report.loadTest?.verdict.breaches).toHaveLength(1);
  });

  test('builds a rejected run with no deployment, load test or rollback', () => {
    const report = buildRunReport(reportInput(rejectedResult()));
    expect(report.deployment).toBeNull();
    expect(report.autoscaling).toBeNull();
    expect(report.loadTest).toBeNull();
    expect(report.rollback).toBeNull();
    expect(report.scaling).toEqual([]);
    expect(report.gates?.champion).toBeNull();
    expect(report.headline).toBe('Rejected: churn v4 was rejected by bob: "fails fairness review"');
  });

  test('builds a run whose chosen model failed a gate on its test score', () => {
    const report = buildRunReport(reportInput(noCandidatePassedResult()));
    expect(report.chosenModel).toMatchObject({ candidateId: 'c02', testObjectiveValue: 0.716 });
    expect(report.ranking?.description).toBe(
      '5-fold cross-validation on train + validation (5,950 rows)',
    );
    expect(report.registered).toBeNull();
    expect(report.decisionTrail).toBeNull();
    expect(report.gates).toMatchObject({
      candidateId: 'c02',
      passedThresholds: false,
      thresholds: [{ gate: 'roc_auc >= 0.80', observed: 0.716, passed: false }],
    });
    expect(report.headline).toMatch(/^No candidate passed: best candidate c02/);
  });

  test('reports a metric that is not a finite number as null', () => {
    const result = deployedResult();
    const row = { ...result.leaderboard[0]!, metrics: { roc_auc: 0.8, log_loss: NaN } };
    const winner = { ...result.winner!, test: { roc_auc: 0.79, log_loss: NaN } };
    const report = buildRunReport(reportInput({ ...result, winner, leaderboard: [row] }));
    expect(report.chosenModel?.test).toEqual({ roc_auc: 0.79, log_loss: null });
    expect(report.leaderboard[0]?.metrics.log_loss).toBeNull();
  });
});
