import { z } from 'zod';

/**
 * The approval rules of a pipeline (DESIGN.md §2), as pure code: the update
 * validator refuses with these words (leaving no trace in history), and the
 * signal handler records them as a refused entry of the decision trail.
 */
/**
 * The longest decision message a run takes. It is kept in history, the
 * decision trail and the registry, so it is a note, not a document.
 */
export const MAX_DECISION_MESSAGE_CHARS = 10_000;

export const decisionActionSchema = z.enum(['approve', 'reject']);
export type DecisionAction = z.infer<typeof decisionActionSchema>;

export interface Decision {
  action: DecisionAction;
  approver: string;
  message: string;
}

export interface ApprovalRules {
  approvers: string[];
  allowStarterToApprove: boolean;
  startedBy: string;
}

export function pastTense(action: DecisionAction): 'approved' | 'rejected' {
  return action === 'approve' ? 'approved' : 'rejected';
}

export type DecisionCheck = { ok: true; decision: Decision } | { ok: false; reason: string };

export function checkDecision(
  action: DecisionAction,
  payload: unknown,
  rules: ApprovalRules,
  state: { isAwaiting: boolean; decided?: Decision },
): DecisionCheck {
  const refuse = (reason: string): DecisionCheck => ({ ok: false, reason });
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return refuse(
      `the ${action} payload must be an object like {"approver": "alice", "message": "why"}`,
    );
  }
  const { approver, message } = payload as Record<string, unknown>;
  if (typeof approver !== 'string' || approver.trim() === '') {
    return refuse(`the ${action} payload needs "approver": the name of the person deciding`);
  }
  if (message !== undefined && typeof message !== 'string') {
    return refuse(`"message" must be text, not ${typeof message}`);
  }
  if ((message?.length ?? 0) > MAX_DECISION_MESSAGE_CHARS) {
    return refuse(
      `"message" is ${message?.length} characters; at most ${MAX_DECISION_MESSAGE_CHARS}: shorten it, or link to a longer note`,
    );
  }
  if (state.decided) {
    return refuse(
      `the run was already decided: ${pastTense(state.decided.action)} by ${state.decided.approver}; a decision cannot be changed`,
    );
  }
  if (!state.isAwaiting) return refuse('the run is not waiting for a decision yet');
  if (!rules.approvers.includes(approver)) {
    return refuse(`${approver} may not decide this run; approvers: ${rules.approvers.join(', ')}`);
  }
  if (approver === rules.startedBy && !rules.allowStarterToApprove) {
    return refuse(
      `${approver} started this run and may not decide it (approval.allowStarterToApprove is false)`,
    );
  }
  const text = (message ?? '').trim();
  if (action === 'reject' && text === '')
    return refuse('a rejection needs a message saying why (-m)');
  return { ok: true, decision: { action, approver, message: text } };
}
