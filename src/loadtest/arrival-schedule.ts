import type { LoadPhase } from '../config/pipeline-schema';
import { SeededRandom, spreadSeed } from '../shared/seeded-random';
import type { ArrivalKind } from './load-types';

/**
 * When every request of a load test is meant to be sent, decided before the
 * first one goes out: pure and deterministic, so the same seed gives the same
 * schedule on every machine, and the open loop only has to keep to it.
 *
 * Both arrival kinds come from one construction. The phases define a rate
 * r(t); its integral Λ(t) is the expected number of requests by time t.
 * Request k is sent at Λ⁻¹(u_k), where u_k walks along a unit-rate clock:
 * u_k = k for `constant` (evenly spaced at the instantaneous rate), and
 * u_k = a running sum of Exp(1) draws for `poisson` (time rescaling: this is
 * exactly a Poisson process whose rate is r(t) at every instant, ramps
 * included). Because u runs across phase boundaries, phases join without a
 * doubled or dropped request and fractional arrivals carry over.
 */

export interface ScheduledPhase {
  name: string;
  startMs: number;
  durationMs: number;
  /** Requests of this phase in the schedule. */
  scheduled: number;
}

export interface ArrivalSchedule {
  arrival: ArrivalKind;
  phases: ScheduledPhase[];
  /** Sum of the phases' durations. */
  totalMs: number;
  /** Intended send time of each request, ms from the start, ascending. */
  offsetsMs: number[];
  /** Index into `phases` of each request. */
  phaseIndexes: number[];
}

export interface ArrivalScheduleInput {
  arrival: ArrivalKind;
  phases: readonly LoadPhase[];
  seed: number;
}

/** One process sends at most a few thousand requests a second; beyond this the schedule alone would eat the heap. */
const MAX_SCHEDULED_REQUESTS = 2_000_000;

/** A schedule that cannot be built as asked; the name is the Temporal failure type. */
export class LoadScheduleError extends Error {
  readonly type = 'LoadScheduleError';
  override readonly name = 'LoadScheduleError';
}

/** A stretch of the run whose rate changes linearly (or not at all) from fromRate to toRate. */
interface RateSegment {
  phaseIndex: number;
  startSeconds: number;
  durationSeconds: number;
  fromRate: number;
  toRate: number;
  /** Λ at the segment's start and end (expected requests so far). */
  unitsAtStart: number;
  unitsAtEnd: number;
}

/** Λ is summed in floating point: 8.3/s for 30 s is 249.00000000000003, which must not add a 250th request. */
const UNIT_EPSILON = 1e-9;

/** A phase's display name: its own, or `phase-<n>` counting from 1. */
function phaseName(phase: Pick<LoadPhase, 'name'>, index: number): string {
  return phase.name ?? `phase-${index + 1}`;
}

/**
 * A phase's rates as constant or linear pieces.
 * - no toRatePerSecond: ratePerSecond throughout;
 * - toRatePerSecond without steps: a linear ramp from ratePerSecond to toRatePerSecond;
 * - steps = k >= 2: k stairs of equal length, stair i (0-based) at
 *   ratePerSecond + (toRatePerSecond - ratePerSecond) * i / (k - 1), so the
 *   first stair is at ratePerSecond and the last at toRatePerSecond;
 * - steps = 1: one stair, at toRatePerSecond for the whole phase (a step
 *   straight to the target; the phase before it, if any, holds the start rate).
 */
function phaseRatePieces(
  phase: LoadPhase,
): { durationSeconds: number; fromRate: number; toRate: number }[] {
  const { durationSeconds, ratePerSecond: from, toRatePerSecond: to, steps } = phase;
  if (to === undefined) return [{ durationSeconds, fromRate: from, toRate: from }];
  if (steps === undefined) return [{ durationSeconds, fromRate: from, toRate: to }];
  if (steps <= 1) return [{ durationSeconds, fromRate: to, toRate: to }];
  return Array.from({ length: steps }, (_, i) => {
    const rate = from + ((to - from) * i) / (steps - 1);
    return { durationSeconds: durationSeconds / steps, fromRate: rate, toRate: rate };
  });
}

function rateSegments(phases: readonly LoadPhase[]): RateSegment[] {
  const segments: RateSegment[] = [];
  let startSeconds = 0;
  let units = 0;
  phases.forEach((phase, phaseIndex) => {
    for (const piece of phaseRatePieces(phase)) {
      const expected = (piece.durationSeconds * (piece.fromRate + piece.toRate)) / 2;
      segments.push({
        phaseIndex,
        startSeconds,
        ...piece,
        unitsAtStart: units,
        unitsAtEnd: units + expected,
      });
      startSeconds += piece.durationSeconds;
      units += expected;
    }
  });
  return segments;
}

/**
 * Seconds into the segment at which `units` expected requests have passed:
 * the root of fromRate·τ + slope·τ²/2 = units, written in the form that stays
 * exact when the slope is zero or tiny and never subtracts near-equal numbers.
 */
function secondsIntoSegment(segment: RateSegment, units: number): number {
  const slope = (segment.toRate - segment.fromRate) / segment.durationSeconds;
  const from = segment.fromRate;
  const tau = (2 * units) / (from + Math.sqrt(Math.max(0, from * from + 2 * slope * units)));
  return Math.min(Math.max(tau, 0), segment.durationSeconds);
}

export function buildArrivalSchedule(input: ArrivalScheduleInput): ArrivalSchedule {
  const segments = rateSegments(input.phases);
  const expectedTotal = segments.at(-1)?.unitsAtEnd ?? 0;
  if (expectedTotal > MAX_SCHEDULED_REQUESTS) {
    throw new LoadScheduleError(
      `loadTest.phases ask for about ${Math.round(expectedTotal)} requests, more than the ` +
        `${MAX_SCHEDULED_REQUESTS} one load generator sends in a run; shorten durationSeconds or lower ratePerSecond`,
    );
  }

  const random = input.arrival === 'poisson' ? new SeededRandom(spreadSeed(input.seed)) : undefined;
  // Exp(1) by inversion; 1 - float() is in (0, 1], so the logarithm is finite.
  const nextGap = random ? () => -Math.log(1 - random.float()) : () => 1;

  const offsetsMs: number[] = [];
  const phaseIndexes: number[] = [];
  let units = random ? nextGap() : 0;
  let segmentIndex = 0;
  for (;;) {
    let segment = segments[segmentIndex];
    while (segment && units >= segment.unitsAtEnd - UNIT_EPSILON) {
      segment = segments[++segmentIndex];
    }
    if (!segment) break;
    const seconds =
      segment.startSeconds + secondsIntoSegment(segment, units - segment.unitsAtStart);
    offsetsMs.push(seconds * 1000);
    phaseIndexes.push(segment.phaseIndex);
    units += nextGap();
  }

  const counts = new Array<number>(input.phases.length).fill(0);
  for (const index of phaseIndexes) counts[index] = (counts[index] ?? 0) + 1;
  let startMs = 0;
  const phases = input.phases.map((phase, index): ScheduledPhase => {
    const scheduled: ScheduledPhase = {
      name: phaseName(phase, index),
      startMs,
      durationMs: phase.durationSeconds * 1000,
      scheduled: counts[index] ?? 0,
    };
    startMs += scheduled.durationMs;
    return scheduled;
  });
  return { arrival: input.arrival, phases, totalMs: startMs, offsetsMs, phaseIndexes };
}
