import type { ArrivalSchedule } from './arrival-schedule';
import {
  createLatencyHistogram,
  percentileMs,
  recordLatencyMs,
  summarizeLatency,
  type LatencyHistogram,
} from './latency-histogram';
import type { LoadPhaseResult, LoadTestResult, LoadTimelinePoint } from './load-types';

/**
 * The counts and histograms of one open-loop run, kept overall, per phase
 * and per second of intended send time, and turned into a plain
 * LoadTestResult at the end. Internal to the open loop: it holds
 * histograms, which do not cross an activity boundary.
 */

interface Counts {
  sent: number;
  ok: number;
  errors: number;
}

interface SecondTally extends Counts {
  /** Created on the first success of the second: most runs have many seconds. */
  latency?: LatencyHistogram;
}

interface PhaseTally extends Counts {
  latency: LatencyHistogram;
}

export interface TallyEnd {
  durationMs: number;
  /** From the start to the later of the schedule's end and the last actual send. */
  sendingWindowMs: number;
  maxInFlight: number;
}

export class LoadTally {
  sent = 0;
  ok = 0;
  errors = 0;
  private readonly latency = createLatencyHistogram();
  private readonly serviceTime = createLatencyHistogram();
  private readonly sendLag = createLatencyHistogram();
  private readonly errorsByKind = new Map<string, number>();
  private readonly phases: PhaseTally[];
  private readonly seconds: SecondTally[];

  constructor(private readonly schedule: ArrivalSchedule) {
    this.phases = schedule.phases.map(() => ({
      sent: 0,
      ok: 0,
      errors: 0,
      latency: createLatencyHistogram(),
    }));
    const lastOffsetMs = schedule.offsetsMs.at(-1) ?? 0;
    const secondCount = Math.max(
      Math.ceil(schedule.totalMs / 1000),
      Math.floor(lastOffsetMs / 1000) + 1,
    );
    this.seconds = Array.from({ length: secondCount }, () => ({ sent: 0, ok: 0, errors: 0 }));
  }

  recordSent(index: number, sendLagMs: number): void {
    this.sent++;
    recordLatencyMs(this.sendLag, sendLagMs);
    for (const counts of this.countsOf(index)) if (counts) counts.sent++;
  }

  recordOk(index: number, latencyMs: number, serviceTimeMs: number): void {
    this.ok++;
    recordLatencyMs(this.latency, latencyMs);
    recordLatencyMs(this.serviceTime, serviceTimeMs);
    const [phase, second] = this.countsOf(index);
    if (phase) {
      phase.ok++;
      recordLatencyMs(phase.latency, latencyMs);
    }
    if (second) {
      second.ok++;
      second.latency ??= createLatencyHistogram({ isCompact: true });
      recordLatencyMs(second.latency, latencyMs);
    }
  }

  recordError(index: number, kind: string): void {
    this.errors++;
    this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + 1);
    for (const counts of this.countsOf(index)) if (counts) counts.errors++;
  }

  /** p99 of the successes so far, for progress reports. */
  p99Ms(): number {
    return percentileMs(this.latency, 99);
  }

  /** The phase the run's clock is in; the last one once the schedule is over. */
  phaseAt(elapsedMs: number): string {
    const phases = this.schedule.phases;
    const current = phases.find((phase) => elapsedMs < phase.startMs + phase.durationMs);
    return (current ?? phases.at(-1))?.name ?? '';
  }

  toResult(end: TallyEnd): LoadTestResult {
    const { schedule } = this;
    const phases = schedule.phases.map((phase, index): LoadPhaseResult => {
      const tally = this.phases[index];
      return {
        name: phase.name,
        startSecond: phase.startMs / 1000,
        durationSeconds: phase.durationMs / 1000,
        scheduled: phase.scheduled,
        sent: tally?.sent ?? 0,
        ok: tally?.ok ?? 0,
        errors: tally?.errors ?? 0,
        latencyMs: summarizeLatency(tally?.latency ?? createLatencyHistogram()),
      };
    });
    const timeline = this.seconds.map((second, index): LoadTimelinePoint => ({
      second: index,
      sent: second.sent,
      ok: second.ok,
      errors: second.errors,
      p50Ms: second.latency ? percentileMs(second.latency, 50) : 0,
      p99Ms: second.latency ? percentileMs(second.latency, 99) : 0,
    }));
    const errorsByKind = Object.fromEntries(
      [...this.errorsByKind.entries()].sort(([a], [b]) => a.localeCompare(b)),
    );
    return {
      arrival: schedule.arrival,
      scheduled: schedule.offsetsMs.length,
      sent: this.sent,
      ok: this.ok,
      errors: this.errors,
      errorRate: this.sent === 0 ? 0 : this.errors / this.sent,
      errorsByKind,
      durationMs: round3(end.durationMs),
      scheduledDurationMs: schedule.totalMs,
      achievedRatePerSecond:
        end.sendingWindowMs > 0 ? round3(this.sent / (end.sendingWindowMs / 1000)) : 0,
      latencyMs: summarizeLatency(this.latency),
      serviceTimeMs: summarizeLatency(this.serviceTime),
      phases,
      timeline,
      maxInFlight: end.maxInFlight,
      sendLagMsP99: percentileMs(this.sendLag, 99),
    };
  }

  /** The phase's and the second's counts of request `index`. */
  private countsOf(index: number): [PhaseTally | undefined, SecondTally | undefined] {
    const phaseIndex = this.schedule.phaseIndexes[index] ?? -1;
    const offsetMs = this.schedule.offsetsMs[index] ?? -1;
    return [this.phases[phaseIndex], this.seconds[Math.floor(offsetMs / 1000)]];
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
