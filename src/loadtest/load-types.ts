/**
 * What a load test reports. Plain data only (no classes, Maps or functions):
 * a result crosses a Temporal activity boundary as JSON and is written into
 * the run's report as it is. Every time is in milliseconds unless the name
 * says otherwise; an empty sample summarises as zeros with `count: 0`.
 */

export type ArrivalKind = 'poisson' | 'constant';

export interface LatencySummaryMs {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  count: number;
}

/** One whole second of the run, by intended send time (second 0 is [0 ms, 1000 ms)). */
export interface LoadTimelinePoint {
  second: number;
  sent: number;
  ok: number;
  errors: number;
  /** 0 when no request of this second succeeded (`ok` is then 0). */
  p50Ms: number;
  p99Ms: number;
}

export interface LoadPhaseResult {
  name: string;
  startSecond: number;
  durationSeconds: number;
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  latencyMs: LatencySummaryMs;
}

export interface LoadTestResult {
  arrival: ArrivalKind;
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  /** errors / sent; 0 when nothing was sent. */
  errorRate: number;
  /** e.g. "http-500", "timeout", "connection-refused", "connection-reset", "other". */
  errorsByKind: Record<string, number>;
  /** Wall time from the first scheduled instant to the last response (or timeout). */
  durationMs: number;
  /** The schedule's own length: the sum of the phases' durations. */
  scheduledDurationMs: number;
  /** sent / the sending window (the schedule's length, or longer if the generator fell behind). */
  achievedRatePerSecond: number;
  /**
   * Successful requests, measured from each request's INTENDED send time, so
   * a stall (of the server or of this generator) shows up in full instead of
   * being hidden by requests that were never sent (coordinated omission).
   */
  latencyMs: LatencySummaryMs;
  /**
   * Successful requests, measured from the ACTUAL send time: what a naive
   * closed-loop client would report. Lower than latencyMs exactly when the
   * generator sent late; reported so the gap can be seen, never judged.
   */
  serviceTimeMs: LatencySummaryMs;
  phases: LoadPhaseResult[];
  timeline: LoadTimelinePoint[];
  maxInFlight: number;
  /** How late the generator actually sent vs intended (p99): shows when the generator itself saturates. */
  sendLagMsP99: number;
}

export interface LoadProgress {
  elapsedMs: number;
  totalMs: number;
  phase: string;
  sent: number;
  ok: number;
  errors: number;
  inFlight: number;
  p99Ms: number;
}

export interface SloBreach {
  figure: 'latencyP99Ms' | 'errorRate';
  /** null when there is nothing to measure: no request succeeded, so there is no latency. */
  observed: number | null;
  limit: number;
  /** The breach in words, e.g. "p99 latency 412.3 ms is over the SLO's 250 ms". */
  message: string;
}

export interface SloVerdict {
  passed: boolean;
  /** The limits the result was judged against (the pipeline's loadTest.slo). */
  slo: { latencyP99Ms: number; maxErrorRate: number };
  breaches: SloBreach[];
  /** e.g. "p99 latency 412.3 ms is over the SLO's 250 ms" or "passed: p99 41.2 ms <= 250 ms, errors 0.00% <= 1.00%". */
  summary: string;
}
