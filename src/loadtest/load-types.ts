/**
 * What a load test reports. Plain data only (no classes, Maps or functions):
 * a result crosses a Temporal activity boundary as JSON and is written into
 * the run's report as it is. Every time is in milliseconds unless the name
 * says otherwise; an empty sample summarises as zeros with `count: 0`.
 */
import { z } from 'zod';
import { loadTestSchema, sloSchema } from '../config/pipeline-schema';

/** How requests arrive, as the pipeline's loadTest.arrival names it. */
export const arrivalKindSchema = loadTestSchema.shape.arrival.unwrap();
export type ArrivalKind = z.infer<typeof arrivalKindSchema>;

export const latencySummaryMsSchema = z.object({
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  mean: z.number(),
  count: z.number().int(),
});
export type LatencySummaryMs = z.infer<typeof latencySummaryMsSchema>;

/** One whole second of the run, by intended send time (second 0 is [0 ms, 1000 ms)). */
export const loadTimelinePointSchema = z.object({
  second: z.number().int(),
  sent: z.number().int(),
  ok: z.number().int(),
  errors: z.number().int(),
  /** 0 when no request of this second succeeded (`ok` is then 0). */
  p50Ms: z.number(),
  p99Ms: z.number(),
});
export type LoadTimelinePoint = z.infer<typeof loadTimelinePointSchema>;

export const loadPhaseResultSchema = z.object({
  name: z.string(),
  startSecond: z.number(),
  durationSeconds: z.number(),
  scheduled: z.number().int(),
  sent: z.number().int(),
  ok: z.number().int(),
  errors: z.number().int(),
  latencyMs: latencySummaryMsSchema,
});
export type LoadPhaseResult = z.infer<typeof loadPhaseResultSchema>;

export const loadTestResultSchema = z.object({
  arrival: arrivalKindSchema,
  scheduled: z.number().int(),
  sent: z.number().int(),
  ok: z.number().int(),
  errors: z.number().int(),
  /** errors / sent; 0 when nothing was sent. */
  errorRate: z.number(),
  /** e.g. "http-500", "timeout", "connection-refused", "connection-reset", "other". */
  errorsByKind: z.record(z.string(), z.number().int()),
  /** Wall time from the first scheduled instant to the last response (or timeout). */
  durationMs: z.number(),
  /** The schedule's own length: the sum of the phases' durations. */
  scheduledDurationMs: z.number(),
  /** sent / the sending window (the schedule's length, or longer if the generator fell behind). */
  achievedRatePerSecond: z.number(),
  /**
   * Successful requests, measured from each request's INTENDED send time, so
   * a stall (of the server or of this generator) shows up in full instead of
   * being hidden by requests that were never sent (coordinated omission).
   */
  latencyMs: latencySummaryMsSchema,
  /**
   * Successful requests, measured from the ACTUAL send time: what a naive
   * closed-loop client would report. Lower than latencyMs exactly when the
   * generator sent late; reported so the gap can be seen, never judged.
   */
  serviceTimeMs: latencySummaryMsSchema,
  phases: z.array(loadPhaseResultSchema),
  timeline: z.array(loadTimelinePointSchema),
  maxInFlight: z.number().int(),
  /** How late the generator actually sent vs intended (p99): shows when the generator itself saturates. */
  sendLagMsP99: z.number(),
});
export type LoadTestResult = z.infer<typeof loadTestResultSchema>;

export const loadProgressSchema = z.object({
  elapsedMs: z.number(),
  totalMs: z.number(),
  phase: z.string(),
  sent: z.number().int(),
  ok: z.number().int(),
  errors: z.number().int(),
  inFlight: z.number().int(),
  p99Ms: z.number(),
});
export type LoadProgress = z.infer<typeof loadProgressSchema>;

export const sloBreachSchema = z.object({
  figure: z.enum(['latencyP99Ms', 'errorRate']),
  /** null when there is nothing to measure: no request succeeded, so there is no latency. */
  observed: z.number().nullable(),
  limit: z.number(),
  /** The breach in words, e.g. "p99 latency 412.3 ms is over the SLO's 250 ms". */
  message: z.string(),
});
export type SloBreach = z.infer<typeof sloBreachSchema>;

export const sloVerdictSchema = z.object({
  passed: z.boolean(),
  /** The limits the result was judged against: the pipeline's loadTest.slo, defaults applied. */
  slo: sloSchema,
  breaches: z.array(sloBreachSchema),
  /** e.g. "p99 latency 412.3 ms is over the SLO's 250 ms" or "passed: p99 41.2 ms <= 250 ms, errors 0.00% <= 1.00%". */
  summary: z.string(),
});
export type SloVerdict = z.infer<typeof sloVerdictSchema>;
