import type { PipelineStep, StepRecord } from './release-definitions';

/** How a step ended: done unless it says failed, with a note for the report. */
export interface StepEnding {
  status?: 'done' | 'failed';
  note?: string;
}

/**
 * When each of the run's eight steps began and ended, for the report and the
 * summary query. Workflow time is deterministic (it replays), so `new Date()`
 * is safe here.
 */
export class StepLog {
  private readonly records: StepRecord[] = [];

  begin(step: PipelineStep): void {
    this.records.push({ step, status: 'running', startedAt: new Date().toISOString() });
  }

  /** Closes the running step, if any. */
  end(ending: StepEnding): void {
    const open = this.open();
    if (open) close(open, ending);
  }

  all(): StepRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  /**
   * The records as they will read once the running step ends this way: the
   * report step writes a report that lists itself, so it shows itself done.
   */
  endedAs(ending: StepEnding): StepRecord[] {
    const records = this.all();
    const last = records[records.length - 1];
    if (last?.status === 'running') close(last, ending);
    return records;
  }

  private open(): StepRecord | undefined {
    const last = this.records[this.records.length - 1];
    return last?.status === 'running' ? last : undefined;
  }
}

function close(record: StepRecord, ending: StepEnding): void {
  record.status = ending.status ?? 'done';
  record.endedAt = new Date().toISOString();
  if (ending.note !== undefined) record.note = ending.note;
}
