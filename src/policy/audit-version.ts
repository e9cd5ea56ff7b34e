import { canonicalJson } from '../shared/canonical-json';
import type { PolicyRecord } from './approval-policy';
import type { ChainedTrailEntry, DecisionTrailEntry } from './decision-trail';
import { policyRecordOf } from './policy-record';
import type { PolicyInForce } from './policy-in-force';
import { findChainBreak, stripChain } from './trail-chain';

/** What `ferry models audit` checks a version against, beside its own stored chain. */
export interface AuditSubject {
  group: string;
  version: number;
  policy: PolicyInForce | undefined;
  trail: readonly ChainedTrailEntry[];
  /** Every revision of the group's policy the registry holds. */
  policyRevisions: readonly PolicyRecord[];
  /** The trail as the run's own history recorded it, when Temporal could be reached. */
  runTrail?: readonly DecisionTrailEntry[];
}

export interface AuditResult {
  isIntact: boolean;
  /** One line per check, in order: what was checked and what was found. */
  lines: string[];
}

/**
 * Re-verifies a version's decision record: the policy recorded with it
 * (against the group's stored revision, itself re-hashed), the hash chain
 * of its trail, and, when the run is reachable, the trail against the
 * run's history, which a person who can edit the registry cannot rewrite.
 * Names the first entry that does not match.
 */
export function auditVersion(subject: AuditSubject): AuditResult {
  const lines: string[] = [];
  let isIntact = true;
  const fail = (line: string) => {
    isIntact = false;
    lines.push(`FAIL ${line}`);
  };
  const { policy } = subject;
  if (!policy) {
    fail('the version has no recorded approval policy (registered before policies were kept?)');
  } else if (policy.source === 'run-file') {
    lines.push("ok   policy: the run's own file (the group had no policy when it was registered)");
  } else {
    const record = subject.policyRevisions.find((r) => r.revision === policy.revision);
    const rehashed =
      record &&
      policyRecordOf(record.group, record.revision, record.policy, record.setBy, record.setAt);
    if (!record) {
      fail(`policy: revision ${policy.revision} of group ${subject.group} is not in the registry`);
    } else if (rehashed?.sha256 !== record.sha256) {
      fail(
        `policy: revision ${record.revision} was edited after it was set (its digest no longer matches)`,
      );
    } else if (record.sha256 !== policy.policySha256) {
      fail(
        `policy: the version points to a policy digest that revision ${record.revision} does not have`,
      );
    } else {
      lines.push(
        `ok   policy: group policy revision ${record.revision}, set by ${record.setBy} at ${record.setAt}`,
      );
    }
  }
  const broken = findChainBreak(policy, subject.trail);
  if (broken) {
    fail(`chain: entry ${broken.seq} (${describe(subject.trail[broken.seq])}) ${broken.reason}`);
  } else {
    lines.push(
      `ok   chain: ${subject.trail.length} ${subject.trail.length === 1 ? 'entry' : 'entries'}, each linked to the one before`,
    );
  }
  if (subject.runTrail === undefined) {
    lines.push('--   run history: not reachable (Temporal); checked the registry alone');
  } else {
    const differs = subject.trail.findIndex(
      (entry, seq) =>
        subject.runTrail?.[seq] === undefined ||
        canonicalJson(stripChain(entry)) !== canonicalJson(subject.runTrail[seq]),
    );
    if (differs >= 0) {
      fail(
        `run history: entry ${differs} (${describe(subject.trail[differs])}) is not what the run recorded${
          subject.runTrail[differs] ? ` (${describe(subject.runTrail[differs])})` : ''
        }`,
      );
    } else {
      lines.push(
        `ok   run history: the ${subject.trail.length} entries match what the run recorded`,
      );
    }
  }
  return { isIntact, lines };
}

function describe(entry: DecisionTrailEntry | undefined): string {
  if (!entry) return 'missing';
  const who = entry.subject ?? (entry.via === 'timeout' ? 'the timeout' : 'unverified');
  return `${entry.action} by ${who} at ${entry.at}, ${entry.accepted ? 'accepted' : 'refused'}`;
}
