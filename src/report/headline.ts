import { rollbackClause, versionRef } from '../text/release-words';
import type { RunReport } from './run-report';

/**
 * The run in one line, for the top of the report and for a terminal:
 * "Deployed churn v3 to endpoint churn; load test passed: p99 41.2 ms <= 250 ms, ..."
 * or "Rolled back: p99 latency 412.3 ms is over the SLO's 250 ms; ...".
 */
export function runHeadline(report: Omit<RunReport, 'headline'>): string {
  const version = report.registered ? versionRef(report.registered) : 'the model';
  switch (report.outcome) {
    case 'deployed': {
      const { deployment, loadTest } = report;
      const where = deployment ? ` to endpoint ${deployment.endpoint}` : '';
      const test = loadTest
        ? `load test ${loadTest.verdict.passed ? '' : 'failed: '}${loadTest.verdict.summary}`
        : 'no load test was run';
      return `Deployed ${version}${where}; ${test}`;
    }
    case 'rolled-back': {
      const verdict = report.loadTest?.verdict;
      const why =
        verdict && !verdict.passed ? verdict.summary : (report.reason ?? 'no reason given');
      return `Rolled back: ${why}${rollbackTail(report)}`;
    }
    case 'rejected': {
      const decision = lastAccepted(report);
      const by = decision?.subject ? ` by ${decision.subject}` : '';
      const message = decision?.message ? `: "${decision.message}"` : '';
      return `Rejected: ${version} was rejected${by}${message}`;
    }
    case 'expired':
      return `Expired: no decision on ${version} before the approval timeout, so it was rejected`;
    case 'no-candidate-passed':
      return `No candidate passed: ${report.reason ?? 'no candidate met the gates'}`;
    case 'failed':
    case 'cancelled':
      return `${report.outcome === 'failed' ? 'Failed' : 'Cancelled'}: ${report.reason ?? 'no reason given'}${rollbackTail(report)}${stateLeft(report)}`;
  }
}

/** The version's state a run that ended early left: "; churn v3 is Rejected". */
function stateLeft(report: Omit<RunReport, 'headline'>): string {
  return report.registered
    ? `; ${versionRef(report.registered)} is ${report.registered.status}`
    : '';
}

function lastAccepted(report: Omit<RunReport, 'headline'>) {
  return report.decisionTrail?.filter((entry) => entry.accepted).at(-1);
}

function rollbackTail(report: Omit<RunReport, 'headline'>): string {
  return report.rollback ? `; ${rollbackClause(report.rollback)}` : '';
}
