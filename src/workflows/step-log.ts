import type { PipelineStep, StepRecord } from './release-definitions';

/**
 * When each of the run's eight steps began and ended, for the report and the
 * summary query. Workflow time is deterministic (it replays), so `new Date()`
 * is safe here.
 */
export class StepLog {
  private readonly records: StepRecord[] = [];

  begin(step: PipelineStep): void {
    const open = this.open();
    if (open?.step === step) return;
    this.end('done');
    this.records.push({ step, status: 'running', startedAt: new Date().toISOString() });
  }

  /** Closes the running step, if any. */
  end(status: 'done' | 'failed', note?: string): void {
    const open = this.open();
    if (!open) return;
    open.status = status;
    open.endedAt = new Date().toISOString();
    if (note !== undefined) open.note = note;
  }

  all(): StepRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  private open(): StepRecord | undefined {
    const last = this.records[this.records.length - 1];
    return last?.status === 'running' ? last : undefined;
  }
}
