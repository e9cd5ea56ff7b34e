import { approvalPolicySchema } from '../../../src/policy/approval-policy';
import {
  eligiblePeople,
  resolvePolicy,
  unsatisfiableBecause,
} from '../../../src/policy/policy-in-force';
import { policyRecordOf } from '../../../src/policy/policy-record';

const record = policyRecordOf(
  'churn',
  3,
  approvalPolicySchema.parse({
    approvers: ['alice', 'bob'],
    groups: { leads: ['dana'] },
    approvals: 2,
    maxTimeout: '2d',
  }),
  'admin',
  '2026-12-03T00:00:00.000Z',
);

describe('the policy a run is governed by', () => {
  test("a group without a policy uses the run's own file, and says so", () => {
    const policy = resolvePolicy('churn', undefined, {
      approvers: ['alice'],
      allowStarterToApprove: true,
    });
    expect(policy).toMatchObject({
      source: 'run-file',
      approvers: ['alice'],
      approvals: 1,
      allowStarterToApprove: true,
      timeoutMs: 7 * 86_400_000,
    });
    expect(policy.notes).toEqual([
      "group churn has no approval policy; the run's own file sets who may approve",
    ]);
  });

  test('a file tightens a group policy (more approvals, a shorter timeout) and cannot loosen it', () => {
    const tighter = resolvePolicy('churn', record, {
      approvers: [],
      allowStarterToApprove: false,
      approvals: 3,
      timeout: '1h',
    });
    expect(tighter).toMatchObject({
      source: 'group-policy',
      revision: 3,
      policySha256: record.sha256,
      approvals: 3,
      timeoutMs: 3_600_000,
      notes: [],
    });
    const looser = resolvePolicy('churn', record, {
      approvers: ['mallory'],
      allowStarterToApprove: true,
      approvals: 1,
      timeout: '30d',
    });
    expect(looser).toMatchObject({
      approvers: ['alice', 'bob'],
      approvals: 2,
      allowStarterToApprove: false,
      timeoutMs: 2 * 86_400_000,
    });
    expect(looser.notes).toHaveLength(4);
  });

  test('a quorum nobody could meet is named before anything runs', () => {
    const policy = resolvePolicy('churn', record, {
      approvers: [],
      allowStarterToApprove: false,
      approvals: 4,
    });
    expect(eligiblePeople(policy, 'alice')).toEqual(['bob', 'dana']);
    expect(unsatisfiableBecause(policy, 'alice')).toMatch(
      /^4 approval\(s\) are needed, and under group churn's approval policy \(revision 3\) only bob, dana may approve a run alice started/,
    );
    expect(unsatisfiableBecause({ ...policy, approvals: 2 }, 'alice')).toBeUndefined();
    const alone = resolvePolicy('solo', undefined, {
      approvers: ['carol'],
      allowStarterToApprove: false,
    });
    expect(unsatisfiableBecause(alone, 'carol')).toMatch(
      /nobody may approve a run carol started; add approvers, or lower approval.approvals$/,
    );
  });

  test('a policy must name someone, and its digest changes with its content', () => {
    expect(approvalPolicySchema.safeParse({ approvals: 1 }).success).toBe(false);
    const other = policyRecordOf(
      'churn',
      3,
      { ...record.policy, approvals: 1 },
      'admin',
      record.setAt,
    );
    expect(other.sha256).not.toBe(record.sha256);
  });
});
