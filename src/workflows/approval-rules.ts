import { z } from 'zod';
import { MAX_SEALED_CREDENTIAL_CHARS } from '../identity/credential-binding';
import { eligibilityOf, type PolicyInForce } from '../policy/policy-in-force';

/**
 * The approval rules as pure code (DESIGN.md §2, §4a), in two halves: what
 * a payload must look like before its credential is worth verifying, and
 * what a verified person may decide under the policy in force. The update
 * validator refuses with the first half's words (leaving no trace in
 * history); everything else is recorded in the decision trail.
 */
export { MAX_DECISION_MESSAGE_CHARS } from '../identity/credential-binding';

export const decisionActionSchema = z.enum(['approve', 'reject']);
export type DecisionAction = z.infer<typeof decisionActionSchema>;

export function pastTense(action: DecisionAction): 'approved' | 'rejected' {
  return action === 'approve' ? 'approved' : 'rejected';
}

/** A decision whose credential verified: the person is proven, the message signed with it. */
export interface VerifiedDecision {
  action: DecisionAction;
  subject: string;
  issuer: string;
  tokenId: string;
  message: string;
}

export type Refusal = { ok: false; reason: string };

const HOW_TO_GET_ONE =
  "get one from Ferry's API (POST /runs/{id}/credentials, or POST /runs/{id}/approve) or run `ferry approve` / `ferry reject`";

/** A JWE in compact form: five base64url parts, the second empty for direct key agreement or not. */
const COMPACT_JWE = /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/;

/** The sealed credential a payload carries, or why it carries none (unauthenticated). */
export function credentialOf(
  action: DecisionAction,
  payload: unknown,
): { ok: true; credential: string } | Refusal {
  const refuse = (why: string): Refusal => ({ ok: false, reason: `unauthenticated: ${why}` });
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return refuse(`the ${action} payload must be {"credential": "..."}; ${HOW_TO_GET_ONE}`);
  }
  const { credential } = payload as Record<string, unknown>;
  if (credential === undefined) {
    const named = 'approver' in payload ? ' A name in the payload proves nothing.' : '';
    return refuse(`the ${action} payload carries no credential.${named} ${HOW_TO_GET_ONE}`);
  }
  if (typeof credential !== 'string' || credential.length > MAX_SEALED_CREDENTIAL_CHARS) {
    return refuse(
      `"credential" must be the sealed text Ferry issued (at most ${MAX_SEALED_CREDENTIAL_CHARS} characters)`,
    );
  }
  if (!COMPACT_JWE.test(credential)) {
    return refuse(`"credential" is not a sealed Ferry credential; ${HOW_TO_GET_ONE}`);
  }
  return { ok: true, credential };
}

/** What the desk knows when a verified decision arrives. */
export interface DecisionState {
  policy: PolicyInForce;
  startedBy: string;
  /** People who have approved so far (distinct). */
  approvedBy: readonly string[];
  rejectedBy?: string;
  usedTokenIds: ReadonlySet<string>;
}

/**
 * Whether a verified person may make this decision now: eligible under the
 * policy, not the starter unless allowed, not twice, not after the run was
 * decided, with a reason for a rejection. On success, how they are eligible.
 */
export function checkVerifiedDecision(
  decision: VerifiedDecision,
  state: DecisionState,
): { ok: true; eligibleAs: string } | Refusal {
  const refuse = (reason: string): Refusal => ({ ok: false, reason });
  const { policy, subject } = { policy: state.policy, subject: decision.subject };
  if (state.usedTokenIds.has(decision.tokenId)) {
    return refuse('this credential was used already; each one counts once');
  }
  if (state.rejectedBy !== undefined) {
    return refuse(
      `the run was already rejected by ${state.rejectedBy}; a decision cannot be changed`,
    );
  }
  if (state.approvedBy.length >= policy.approvals) {
    return refuse(`the run was already approved by ${state.approvedBy.join(', ')}`);
  }
  const eligibleAs = eligibilityOf(policy, subject);
  if (eligibleAs === undefined) {
    return refuse(`${subject} may not decide this run under ${policySource(policy)}`);
  }
  if (subject === state.startedBy && !policy.allowStarterToApprove) {
    return refuse(
      `${subject} started this run and may not decide it (${policySource(policy)} does not allow the starter to approve)`,
    );
  }
  if (decision.action === 'approve' && state.approvedBy.includes(subject)) {
    return refuse(
      `${subject} has approved already; the quorum counts distinct people (${state.approvedBy.length} of ${policy.approvals})`,
    );
  }
  if (decision.action === 'reject' && decision.message.trim() === '') {
    return refuse('a rejection needs a message saying why (-m)');
  }
  return { ok: true, eligibleAs };
}

/** Where the rules came from, in the words of a refusal. */
export function policySource(policy: PolicyInForce): string {
  return policy.source === 'group-policy'
    ? `group ${policy.group}'s approval policy (revision ${policy.revision})`
    : "the approval section of the run's own file";
}
