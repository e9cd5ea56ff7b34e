import { condition, setHandler } from '@temporalio/workflow';
import {
  checkDecision,
  type ApprovalRules,
  type Decision,
  type DecisionAction,
} from './approval-rules';
import {
  approveSignal,
  approveUpdate,
  rejectSignal,
  rejectUpdate,
  type DecisionTrailEntry,
} from './definitions';

/**
 * Where a run takes its human decision. Approve and reject arrive as updates
 * (the CLI and API: the validator refuses a bad one before it is accepted, so
 * it leaves no trace in history) or as signals (the Temporal UI, `temporal
 * workflow signal`: a bad one changes nothing and is recorded as refused).
 * Handlers are set from the start, so a decision sent early is answered
 * ("not waiting yet") instead of being buffered.
 */
export class DecisionDesk {
  readonly trail: DecisionTrailEntry[] = [];
  private decided?: Decision;
  private isAwaiting = false;

  constructor(private readonly rules: ApprovalRules) {
    for (const [update, action] of [
      [approveUpdate, 'approve'],
      [rejectUpdate, 'reject'],
    ] as const) {
      setHandler(
        update,
        (request) => {
          const decision = this.accept(action, request, 'update');
          return { action: decision.action, approver: decision.approver };
        },
        { validator: (request) => this.validate(action, request) },
      );
    }
    setHandler(approveSignal, (payload) => this.onSignal('approve', payload));
    setHandler(rejectSignal, (payload) => this.onSignal('reject', payload));
  }

  /** Waits for an accepted decision; undefined when the timeout passes first. */
  async awaitDecision(timeoutMs: number): Promise<Decision | undefined> {
    this.isAwaiting = true;
    const isDecided = await condition(() => this.decided !== undefined, timeoutMs);
    this.isAwaiting = false;
    if (isDecided) return this.decided;
    this.trail.push({
      at: new Date().toISOString(),
      via: 'timeout',
      action: 'expire',
      approver: 'ferry',
      message: 'approval expired',
      accepted: true,
    });
    return undefined;
  }

  private validate(action: DecisionAction, payload: unknown): void {
    const check = checkDecision(action, payload, this.rules, this.state());
    if (!check.ok) throw new Error(check.reason);
  }

  private accept(action: DecisionAction, payload: unknown, via: 'update' | 'signal'): Decision {
    const check = checkDecision(action, payload, this.rules, this.state());
    // The validator ran on the same state a moment ago; this guards signals and races.
    if (!check.ok) throw new Error(check.reason);
    this.decided = check.decision;
    this.trail.push({
      at: new Date().toISOString(),
      via,
      action,
      approver: check.decision.approver,
      message: check.decision.message,
      accepted: true,
    });
    return check.decision;
  }

  private onSignal(action: DecisionAction, payload: unknown): void {
    const check = checkDecision(action, payload, this.rules, this.state());
    if (check.ok) {
      this.accept(action, payload, 'signal');
      return;
    }
    const approver =
      typeof (payload as { approver?: unknown } | null)?.approver === 'string'
        ? (payload as { approver: string }).approver
        : '(unknown)';
    this.trail.push({
      at: new Date().toISOString(),
      via: 'signal',
      action,
      approver,
      message: '',
      accepted: false,
      reason: check.reason,
    });
  }

  private state() {
    return { isAwaiting: this.isAwaiting, decided: this.decided };
  }
}
