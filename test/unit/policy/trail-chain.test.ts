import { auditVersion } from '../../../src/policy/audit-version';
import { approvalPolicySchema } from '../../../src/policy/approval-policy';
import type { DecisionTrailEntry } from '../../../src/policy/decision-trail';
import { resolvePolicy } from '../../../src/policy/policy-in-force';
import { policyRecordOf } from '../../../src/policy/policy-record';
import {
  chainTrail,
  entriesToAppend,
  findChainBreak,
  stripChain,
} from '../../../src/policy/trail-chain';

const record = policyRecordOf(
  'churn',
  1,
  approvalPolicySchema.parse({ approvers: ['alice', 'bob'] }),
  'admin',
  '2026-12-01T00:00:00.000Z',
);
const policy = resolvePolicy('churn', record, { approvers: [], allowStarterToApprove: false });
const entries: DecisionTrailEntry[] = [
  {
    at: '2026-12-03T10:00:00.000Z',
    via: 'signal',
    action: 'approve',
    accepted: false,
    message: '',
    reason: 'unauthenticated: no credential',
  },
  {
    at: '2026-12-03T10:01:00.000Z',
    via: 'update',
    action: 'approve',
    accepted: true,
    subject: 'alice',
    issuer: 'ferry-api',
    tokenId: 't1',
    eligibleAs: 'approver',
    message: 'fine',
  },
];

describe('the hash-chained decision trail', () => {
  test('an intact chain verifies; an edited, removed or reordered entry, or another policy, breaks it where it happened', () => {
    const chain = chainTrail(policy, entries);
    expect(findChainBreak(policy, chain)).toBeUndefined();
    expect(chain.map(stripChain)).toEqual(entries);

    const edited = chain.map((entry, seq) =>
      seq === 1 ? { ...entry, subject: 'mallory' } : entry,
    );
    expect(findChainBreak(policy, edited)).toEqual({
      seq: 1,
      reason: 'does not match its own digest: the entry was edited',
    });
    expect(findChainBreak(policy, chain.slice(1))).toMatchObject({ seq: 0 });
    expect(
      findChainBreak(
        policy,
        [chain[1], chain[0]].filter((e) => e !== undefined),
      ),
    ).toMatchObject({ seq: 0 });
    expect(findChainBreak({ ...policy, approvals: 5 }, chain)).toEqual({
      seq: 0,
      reason:
        'does not link to the policy recorded with the version: the policy or the entry was edited',
    });
  });

  test('storing a trail again appends only what is new, and refuses a rewrite', () => {
    const stored = chainTrail(policy, entries.slice(0, 1));
    expect(entriesToAppend(policy, stored, entries)).toEqual({
      rows: chainTrail(policy, entries).slice(1),
    });
    expect(entriesToAppend(policy, chainTrail(policy, entries), entries)).toEqual({ rows: [] });
    expect(entriesToAppend(policy, stored, [{ ...entries[1]!, message: 'forged' }])).toEqual({
      conflictAt: 0,
    });
  });

  test('the audit names the first entry that differs from the run history, and an edited policy revision', () => {
    const chain = chainTrail(policy, entries);
    const base = { group: 'churn', version: 1, policy, trail: chain, policyRevisions: [record] };
    expect(auditVersion({ ...base, runTrail: entries }).isIntact).toBe(true);
    // Someone who rewrote an entry and recomputed every hash: only the run history knows.
    const rewritten = chainTrail(policy, [entries[0]!, { ...entries[1]!, subject: 'mallory' }]);
    const audit = auditVersion({ ...base, trail: rewritten, runTrail: entries });
    expect(audit.isIntact).toBe(false);
    expect(audit.lines.filter((line) => line.startsWith('FAIL'))).toEqual([
      expect.stringMatching(
        /^FAIL run history: entry 1 \(approve by mallory at .*\) is not what the run recorded \(approve by alice/,
      ),
    ]);
    const editedPolicy = {
      ...record,
      policy: { ...record.policy, approvers: ['alice', 'bob', 'mallory'] },
    };
    expect(auditVersion({ ...base, policyRevisions: [editedPolicy] }).lines[0]).toBe(
      'FAIL policy: revision 1 was edited after it was set (its digest no longer matches)',
    );
  });
});
