import { resolvePolicy, type PolicyInForce } from '../../../src/policy/policy-in-force';
import {
  checkVerifiedDecision,
  credentialOf,
  type DecisionState,
  type VerifiedDecision,
} from '../../../src/workflows/approval-rules';

const runFile = resolvePolicy('churn', undefined, {
  approvers: ['alice', 'bob', 'carol'],
  allowStarterToApprove: false,
  approvals: 2,
});
const withGroups: PolicyInForce = { ...runFile, approvers: ['alice'], groups: { leads: ['dana'] } };

function state(overrides: Partial<DecisionState> = {}): DecisionState {
  return {
    policy: runFile,
    startedBy: 'carol',
    approvedBy: [],
    usedTokenIds: new Set(),
    ...overrides,
  };
}
const decision = (
  subject: string,
  overrides: Partial<VerifiedDecision> = {},
): VerifiedDecision => ({
  action: 'approve',
  subject,
  issuer: 'ferry-api',
  tokenId: `token-of-${subject}`,
  message: '',
  ...overrides,
});

describe('what a payload must carry before its credential is checked', () => {
  test('a name is not a credential; text, lists and null are not payloads', () => {
    expect(credentialOf('approve', { approver: 'bob' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^unauthenticated: the approve payload carries no credential\. A name in the payload proves nothing\./,
      ) as string,
    });
    for (const payload of ['bob', null, [{ credential: 'a.b.c.d.e' }]]) {
      expect(credentialOf('reject', payload)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(
          /^unauthenticated: the reject payload must be \{"credential": "\.\.\."\}/,
        ) as string,
      });
    }
  });

  test('a sealed credential has five parts; a JWT or a bearer token does not', () => {
    expect(credentialOf('approve', { credential: 'aA.bB.cC.dD.eE' })).toEqual({
      ok: true,
      credential: 'aA.bB.cC.dD.eE',
    });
    expect(credentialOf('approve', { credential: 'aA.bB.cC' })).toMatchObject({ ok: false });
    expect(credentialOf('approve', { credential: 'alice-0a1b2c' })).toMatchObject({ ok: false });
    expect(credentialOf('approve', { credential: 42 })).toMatchObject({ ok: false });
  });
});

describe('what a verified person may decide', () => {
  test('an eligible approver counts, as an approver or through a named group', () => {
    expect(checkVerifiedDecision(decision('alice'), state())).toEqual({
      ok: true,
      eligibleAs: 'approver',
    });
    expect(checkVerifiedDecision(decision('dana'), state({ policy: withGroups }))).toEqual({
      ok: true,
      eligibleAs: 'group leads',
    });
  });

  test('refuses the ineligible, the starter, a second approval by the same person, a used token, and a bare rejection', () => {
    const reasons = [
      checkVerifiedDecision(decision('mallory'), state()),
      checkVerifiedDecision(decision('carol'), state()),
      checkVerifiedDecision(
        decision('alice', { tokenId: 'second' }),
        state({ approvedBy: ['alice'] }),
      ),
      checkVerifiedDecision(
        decision('bob', { tokenId: 'used' }),
        state({ usedTokenIds: new Set(['used']) }),
      ),
      checkVerifiedDecision(decision('bob', { action: 'reject', message: ' ' }), state()),
    ].map((check) => (check.ok ? 'accepted' : check.reason));
    expect(reasons).toEqual([
      "mallory may not decide this run under the approval section of the run's own file",
      "carol started this run and may not decide it (the approval section of the run's own file does not allow the starter to approve)",
      'alice has approved already; the quorum counts distinct people (1 of 2)',
      'this credential was used already; each one counts once',
      'a rejection needs a message saying why (-m)',
    ]);
  });

  test('nothing counts once the quorum is met or someone rejected', () => {
    expect(
      checkVerifiedDecision(
        decision('carol'),
        state({ approvedBy: ['alice', 'bob'], startedBy: 'x' }),
      ),
    ).toEqual({
      ok: false,
      reason: 'the run was already approved by alice, bob',
    });
    expect(checkVerifiedDecision(decision('alice'), state({ rejectedBy: 'bob' }))).toEqual({
      ok: false,
      reason: 'the run was already rejected by bob; a decision cannot be changed',
    });
  });
});
