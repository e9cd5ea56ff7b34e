import {
  checkDecision,
  MAX_DECISION_MESSAGE_CHARS,
  type ApprovalRules,
} from '../../../src/workflows/approval-rules';

const rules: ApprovalRules = {
  approvers: ['bob'],
  allowStarterToApprove: false,
  startedBy: 'alice',
};
const waiting = { isAwaiting: true };

describe('the length of a decision message', () => {
  test('up to the limit is taken; one more character is refused, naming both numbers', () => {
    const atLimit = 'x'.repeat(MAX_DECISION_MESSAGE_CHARS);
    expect(checkDecision('reject', { approver: 'bob', message: atLimit }, rules, waiting)).toEqual({
      ok: true,
      decision: { action: 'reject', approver: 'bob', message: atLimit },
    });
    expect(
      checkDecision('reject', { approver: 'bob', message: `${atLimit}x` }, rules, waiting),
    ).toEqual({
      ok: false,
      reason: `"message" is 10001 characters; at most 10000: shorten it, or link to a longer note`,
    });
  });
});
