import type { CandidateStatus, RunStage } from '../workflows/definitions';
import type { MetricName } from '../evaluation/metric-names';
import { isHigherBetter } from '../evaluation/metric-names';
import { formatMetric } from '../text/numbers';
import { terminalSafe } from '../text/safe-text';

/**
 * Progress of a run on the terminal: on a TTY one line rewritten in place,
 * otherwise (CI logs, pipes) a plain line each time something changes.
 */
export class RunProgress {
  private lastLine = '';
  private readonly isTty: boolean;

  /**
   * `planned` is the pipeline's candidates.count: a guided search (tpe)
   * names its candidates as it goes, so the run knows fewer than it will make.
   */
  constructor(
    private readonly objective: MetricName,
    private readonly planned: number,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.isTty = Boolean(out.isTTY);
  }

  /** `detail` replaces the stage line when there is more to say (the load test's progress). */
  update(stage: RunStage, candidates: CandidateStatus[], detail?: string): void {
    // Escaped before the in-place redraw: a name's own CR or ESC would redraw more than this line.
    const line = terminalSafe(detail ?? this.describe(stage, candidates));
    if (line === this.lastLine) return;
    this.lastLine = line;
    if (this.isTty) this.out.write(`\r\x1b[2K${line}`);
    else this.out.write(`${line}\n`);
  }

  /** Ends the in-place line so what follows starts on its own line. */
  finish(): void {
    if (this.isTty && this.lastLine !== '') this.out.write('\n');
  }

  private describe(stage: RunStage, candidates: CandidateStatus[]): string {
    if (stage !== 'training' || candidates.length === 0) return `stage: ${stage}`;
    const count = (state: CandidateStatus['state']) =>
      candidates.filter((c) => c.state === state).length;
    const best = this.best(candidates);
    const bestText = best
      ? `, best so far ${best.id} (${best.algorithm}) ${this.objective}=${formatMetric(best.metrics?.[this.objective])}`
      : '';
    const total = Math.max(this.planned, candidates.length);
    return `training: ${count('succeeded')}/${total} done, ${count('running')} running, ${count('failed')} failed${bestText}`;
  }

  private best(candidates: CandidateStatus[]): CandidateStatus | undefined {
    const sign = isHigherBetter(this.objective) ? 1 : -1;
    return candidates
      .filter((c) => c.state === 'succeeded' && Number.isFinite(c.metrics?.[this.objective]))
      .reduce<CandidateStatus | undefined>(
        (best, c) =>
          !best ||
          sign * ((c.metrics?.[this.objective] ?? 0) - (best.metrics?.[this.objective] ?? 0)) > 0
            ? c
            : best,
        undefined,
      );
  }
}
