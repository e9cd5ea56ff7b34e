import { approvalPolicySchema, type PolicyRecord } from '../../../src/policy/approval-policy';
import {
  endpointRefusal,
  mayStartRuns,
  ownershipOf,
  startRefusal,
} from '../../../src/policy/group-ownership';

function record(policy: Record<string, unknown>, revision = 1): PolicyRecord {
  return {
    group: 'churn',
    revision,
    policy: approvalPolicySchema.parse(policy),
    setBy: 'dana',
    setAt: '2026-12-01T00:00:00.000Z',
    sha256: '0'.repeat(64),
  };
}

describe('who a model group belongs to', () => {
  test('with a policy: everyone it names (owners, approvers, members of its groups), nobody else', () => {
    const own = ownershipOf(
      'churn',
      record({ owners: ['erin'], approvers: ['bob'], groups: { leads: ['carol', 'bob'] } }),
      { version: 1, registeredBy: 'alice' },
    );
    expect(own).toEqual({
      kind: 'policy',
      group: 'churn',
      revision: 1,
      people: ['bob', 'carol', 'erin'],
    });
    expect(['erin', 'bob', 'carol', 'alice', 'mallory'].map((p) => mayStartRuns(own, p))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(startRefusal(own, 'alice')).toBe(
      'model group churn belongs to bob, carol, erin (named by its approval policy, revision 1); alice may not start runs in it, register versions in it or deploy its endpoints: ask an admin to add alice under owners in its policy (ferry policy set churn <file>), or use a model group of your own',
    );
  });

  test('a long list of owners is cut short in the refusal', () => {
    const people = Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    const own = ownershipOf('churn', record({ approvers: people }), undefined);
    expect(startRefusal(own, 'mallory')).toContain('p06, p07 and 22 more (named by');
  });

  test('without a policy: the first version registrant owns it; with no version, anyone may claim it', () => {
    const claimed = ownershipOf('churn', undefined, { version: 1, registeredBy: 'alice' });
    expect([mayStartRuns(claimed, 'alice'), mayStartRuns(claimed, 'bob')]).toEqual([true, false]);
    expect(startRefusal(claimed, 'bob')).toMatch(
      /^model group churn belongs to alice \(who started the run that registered its version 1; it has no approval policy\); bob may not/,
    );
    const open = ownershipOf('churn', undefined, undefined);
    expect(startRefusal(open, 'anyone')).toBeUndefined();
  });

  test("an endpoint serves one group: another group's run is refused, its own is not", () => {
    const served = ownershipOf('churn', undefined, { version: 1, registeredBy: 'alice' });
    expect(endpointRefusal('churn', 'churn', served)).toBeUndefined();
    expect(endpointRefusal('churn', 'fraud', undefined)).toBeUndefined();
    expect(endpointRefusal('churn', 'fraud', served)).toBe(
      "endpoint churn serves model group churn, which belongs to alice (who started the run that registered its version 1; it has no approval policy); a run of fraud cannot deploy to it: set endpoint.name to an endpoint of your own (by default it is the model group's name), or ask its owners to delete it (ferry endpoints delete churn)",
    );
  });
});
