import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { CredentialCheck } from '../identity/credential-binding';
import { FAILURE } from '../shared/failure-types';
import type { DecisionTrailEntry } from '../policy/decision-trail';
import type { PolicyInForce } from '../policy/policy-in-force';
import {
  checkVerifiedDecision,
  credentialOf,
  type DecisionAction,
  type VerifiedDecision,
} from './approval-rules';
import {
  approveSignal,
  approveUpdate,
  rejectSignal,
  rejectUpdate,
  type DecisionAccepted,
  type RegisteredModel,
  type VerifyCredentialInput,
} from './definitions';
import { rootMessage } from './root-message';
import { elided } from '../text/bounded-text';

/** Refused decisions kept in the trail; beyond this they are counted, so signals cannot grow a run without bound. */
export const MAX_RECORDED_REFUSALS = 25;
/**
 * Refused signals after which the run checks no more signalled credentials
 * (each check is an activity in history). Anyone with access to the
 * namespace can signal, so only signals are capped: updates (`ferry
 * approve`, the API) are still checked, and a flood cannot wedge the run.
 */
export const MAX_REFUSED_SIGNALS = 50;
/** The longest refusal reason kept in the trail; the verifier's own reasons are far shorter. */
const MAX_REASON_CHARS = 1_000;
/** Credentials checked at once; more wait their turn by being refused. */
const MAX_PENDING_VERIFICATIONS = 5;

export type Verdict =
  | { verdict: 'approved'; approvedBy: string[]; messages: string[] }
  | { verdict: 'rejected'; rejectedBy: string; message: string }
  | { verdict: 'expired' };

interface Waiting {
  model: RegisteredModel;
  policy: PolicyInForce;
  startedBy: string;
}

/**
 * Where a run takes its human decision. Approve and reject arrive as
 * updates (the CLI and the API; the validator refuses a payload with no
 * credential before it is accepted, so it leaves no trace) or as signals
 * (the Temporal UI, `temporal workflow signal`). Each carries a sealed
 * credential, which an activity verifies; the person it proves is then held
 * to the policy in force, and the outcome, accepted or refused, goes in the
 * trail. Handlers are set from the start, so an early decision is answered
 * ("not waiting yet") instead of being buffered.
 */
export class DecisionDesk {
  readonly trail: DecisionTrailEntry[] = [];
  refusedNotRecorded = 0;
  private waiting?: Waiting;
  private phase: 'not-yet' | 'open' | 'closed' = 'not-yet';
  private deadlineMs = Infinity;
  private closedAt?: string;
  private readonly approvedBy: string[] = [];
  private readonly approvalMessages: string[] = [];
  private rejection?: { subject: string; message: string };
  private readonly usedTokenIds = new Set<string>();
  private pending = 0;
  private refusedSignals = 0;

  constructor(
    private readonly runId: string,
    private readonly verify: (input: VerifyCredentialInput) => Promise<CredentialCheck>,
  ) {
    for (const [update, action] of [
      [approveUpdate, 'approve'],
      [rejectUpdate, 'reject'],
    ] as const) {
      setHandler(update, (request) => this.onUpdate(action, request), {
        validator: (request) => this.validate(action, request),
      });
    }
    setHandler(approveSignal, (payload) => this.onSignal('approve', payload));
    setHandler(rejectSignal, (payload) => this.onSignal('reject', payload));
  }

  /**
   * Opens the desk for `model` under `policy` until a quorum approves, one
   * eligible person rejects, or `timeoutMs` passes. A decision that arrived
   * before the deadline is still being verified when the timer fires (even
   * in the same workflow task) is waited for, and counts.
   */
  async awaitDecision(waiting: Waiting, timeoutMs: number): Promise<Verdict> {
    this.waiting = waiting;
    this.phase = 'open';
    this.deadlineMs = Date.now() + timeoutMs;
    try {
      await condition(() => this.verdict() !== undefined, timeoutMs);
    } finally {
      // A cancelled run takes no decision after it stopped waiting either.
      this.phase = 'closed';
      this.closedAt = new Date().toISOString();
    }
    await condition(() => this.pending === 0);
    const verdict = this.verdict();
    if (verdict) return verdict;
    this.trail.push({
      at: this.closedAt,
      via: 'timeout',
      action: 'expire',
      accepted: true,
      message: 'approval expired',
    });
    return { verdict: 'expired' };
  }

  private verdict(): Verdict | undefined {
    if (this.rejection) {
      return {
        verdict: 'rejected',
        rejectedBy: this.rejection.subject,
        message: this.rejection.message,
      };
    }
    const needed = this.waiting?.policy.approvals ?? Infinity;
    if (this.approvedBy.length >= needed) {
      return {
        verdict: 'approved',
        approvedBy: [...this.approvedBy],
        messages: this.approvalMessages,
      };
    }
    return undefined;
  }

  /** Why no decision can be taken now, before anything is verified; undefined when one can. */
  private gateRefusal(via: 'update' | 'signal'): string | undefined {
    if (this.phase === 'not-yet') return 'the run is not waiting for a decision yet';
    if (this.phase === 'closed') {
      const verdict = this.verdict();
      return verdict
        ? `the run was already ${verdict.verdict}; a decision cannot be changed`
        : `the decision arrived after the approval deadline (${this.closedAt}); the version was rejected as expired`;
    }
    if (via === 'signal' && this.refusedSignals >= MAX_REFUSED_SIGNALS) {
      return `this run has refused ${this.refusedSignals} signals and checks no more signalled credentials; decide with \`ferry approve\` or the API`;
    }
    if (this.pending >= MAX_PENDING_VERIFICATIONS) {
      return 'too many decisions are being verified at once; send it again in a moment';
    }
    return undefined;
  }

  private validate(action: DecisionAction, payload: unknown): void {
    const credential = credentialOf(action, payload);
    if (!credential.ok) throw new Error(credential.reason);
    const gate = this.gateRefusal('update');
    if (gate) throw new Error(gate);
  }

  private async onUpdate(action: DecisionAction, payload: unknown): Promise<DecisionAccepted> {
    const credential = credentialOf(action, payload);
    const gate = this.gateRefusal('update');
    // The validator ran on the same state a moment ago; this guards replays of old histories.
    if (!credential.ok || gate) throw refusal(credential.ok ? (gate ?? '') : credential.reason);
    const outcome = await this.consider(action, credential.credential, 'update');
    if (!outcome.ok) throw refusal(outcome.reason);
    return outcome.accepted;
  }

  private onSignal(action: DecisionAction, payload: unknown): void {
    const credential = credentialOf(action, payload);
    const gate = credential.ok ? this.gateRefusal('signal') : credential.reason;
    if (!credential.ok || gate) {
      this.recordRefusal({ via: 'signal', action, reason: gate ?? '' });
      return;
    }
    // A signal has no caller to answer: the outcome lives in the trail.
    void this.consider(action, credential.credential, 'signal');
  }

  private async consider(
    action: DecisionAction,
    credential: string,
    via: 'update' | 'signal',
  ): Promise<{ ok: true; accepted: DecisionAccepted } | { ok: false; reason: string }> {
    const waiting = this.waiting as Waiting;
    this.pending++;
    let check: CredentialCheck;
    try {
      check = await this.verify({
        credential,
        expected: {
          action,
          runId: this.runId,
          group: waiting.model.group,
          version: waiting.model.version,
        },
        presentedAt: new Date().toISOString(),
      });
    } catch (error) {
      check = { ok: false, reason: `it could not be checked (${rootMessage(error)})` };
    } finally {
      this.pending--;
    }
    if (!check.ok) {
      const reason = `unauthenticated: ${check.reason}`;
      this.recordRefusal({ via, action, reason });
      return { ok: false, reason };
    }
    const decision: VerifiedDecision = { action, ...check };
    const who = { subject: check.subject, issuer: check.issuer, tokenId: check.tokenId };
    // Signals and the timer can land in one workflow task; the issuer's signed time says which came first.
    if (Date.parse(check.issuedAt) > this.deadlineMs) {
      const reason = `the decision was made at ${check.issuedAt}, after the approval deadline (${new Date(this.deadlineMs).toISOString()})`;
      this.usedTokenIds.add(check.tokenId);
      this.recordRefusal({ via, action, reason, ...who });
      return { ok: false, reason };
    }
    const rules = checkVerifiedDecision(decision, {
      policy: waiting.policy,
      startedBy: waiting.startedBy,
      approvedBy: this.approvedBy,
      rejectedBy: this.rejection?.subject,
      usedTokenIds: this.usedTokenIds,
    });
    this.usedTokenIds.add(check.tokenId);
    if (!rules.ok) {
      this.recordRefusal({ via, action, reason: rules.reason, ...who });
      return rules;
    }
    if (action === 'approve') {
      this.approvedBy.push(check.subject);
      if (check.message) this.approvalMessages.push(check.message);
    } else {
      this.rejection = { subject: check.subject, message: check.message };
    }
    this.trail.push({
      at: new Date().toISOString(),
      via,
      action,
      accepted: true,
      ...who,
      eligibleAs: rules.eligibleAs,
      message: check.message,
    });
    return {
      ok: true,
      accepted: {
        action,
        approver: check.subject,
        issuer: check.issuer,
        approvals: this.approvedBy.length,
        approvalsNeeded: waiting.policy.approvals,
      },
    };
  }

  private recordRefusal(
    entry: Pick<DecisionTrailEntry, 'via' | 'action' | 'reason' | 'subject' | 'issuer' | 'tokenId'>,
  ): void {
    if (entry.via === 'signal') this.refusedSignals++;
    if (this.trail.filter((kept) => !kept.accepted).length >= MAX_RECORDED_REFUSALS) {
      this.refusedNotRecorded++;
      return;
    }
    this.trail.push({
      at: new Date().toISOString(),
      accepted: false,
      message: '',
      ...entry,
      reason: elided(entry.reason ?? '', MAX_REASON_CHARS),
    });
  }
}

/** A refused update: its failure carries the reason to the caller, and is not retried. */
function refusal(reason: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(reason, FAILURE.decisionRefused);
}
