import type { LoadPhase } from '../../../src/config/pipeline-schema';
import {
  buildArrivalSchedule,
  LoadScheduleError,
  type ArrivalSchedule,
} from '../../../src/loadtest/arrival-schedule';

/** Requests whose intended send time falls in [fromMs, toMs). */
function countBetween(schedule: ArrivalSchedule, fromMs: number, toMs: number): number {
  return schedule.offsetsMs.filter((offset) => offset >= fromMs && offset < toMs).length;
}

function constant(phases: LoadPhase[]): ArrivalSchedule {
  return buildArrivalSchedule({ arrival: 'constant', phases, seed: 1 });
}

function poisson(phases: LoadPhase[], seed = 7): ArrivalSchedule {
  return buildArrivalSchedule({ arrival: 'poisson', phases, seed });
}

describe('constant arrivals', () => {
  test('sends exactly rate × duration requests, evenly spaced from the start', () => {
    const schedule = constant([{ durationSeconds: 2, ratePerSecond: 50 }]);
    expect(schedule.offsetsMs).toHaveLength(100);
    schedule.offsetsMs.forEach((offset, i) => expect(offset).toBeCloseTo(i * 20, 6));
    expect(schedule.phaseIndexes.every((index) => index === 0)).toBe(true);
    expect(schedule.totalMs).toBe(2000);
    expect(schedule.phases).toEqual([
      { name: 'phase-1', startMs: 0, durationMs: 2000, scheduled: 100 },
    ]);
  });

  test('rounds a fractional total up to whole requests without floating-point extras', () => {
    expect(constant([{ durationSeconds: 4, ratePerSecond: 2.5 }]).offsetsMs).toHaveLength(10);
    // 8.3 × 30 is 249.00000000000003 in floating point: still 249 requests.
    expect(constant([{ durationSeconds: 30, ratePerSecond: 8.3 }]).offsetsMs).toHaveLength(249);
  });

  test('a linear ramp sends at the instantaneous rate in every one-second window', () => {
    // 10/s to 30/s over 10 s: window j expects the rate's integral, 11 + 2j.
    const schedule = constant([{ durationSeconds: 10, ratePerSecond: 10, toRatePerSecond: 30 }]);
    expect(schedule.offsetsMs).toHaveLength(200);
    for (let j = 0; j < 10; j++) {
      expect(
        Math.abs(countBetween(schedule, j * 1000, (j + 1) * 1000) - (11 + 2 * j)),
      ).toBeLessThanOrEqual(1);
    }
  });

  test('a ramp down is the mirror of a ramp up', () => {
    const schedule = constant([{ durationSeconds: 10, ratePerSecond: 30, toRatePerSecond: 10 }]);
    expect(schedule.offsetsMs).toHaveLength(200);
    expect(Math.abs(countBetween(schedule, 0, 1000) - 29)).toBeLessThanOrEqual(1);
    expect(Math.abs(countBetween(schedule, 9000, 10000) - 11)).toBeLessThanOrEqual(1);
  });

  test('stairs climb in equal-length steps from ratePerSecond to toRatePerSecond', () => {
    const schedule = constant([
      { durationSeconds: 8, ratePerSecond: 10, toRatePerSecond: 40, steps: 4 },
    ]);
    // Four 2-second stairs at 10, 20, 30 and 40 per second.
    expect([0, 1, 2, 3].map((i) => countBetween(schedule, i * 2000, (i + 1) * 2000))).toEqual([
      20, 40, 60, 80,
    ]);
    // Within a stair the spacing is even: 50 ms at 20/s.
    const second = schedule.offsetsMs.filter((offset) => offset >= 2000 && offset < 4000);
    expect((second[1] ?? 0) - (second[0] ?? 0)).toBeCloseTo(50, 6);
  });

  test('a single stair runs the whole phase at toRatePerSecond', () => {
    const schedule = constant([
      { durationSeconds: 2, ratePerSecond: 10, toRatePerSecond: 40, steps: 1 },
    ]);
    expect(schedule.offsetsMs).toHaveLength(80);
  });
});

describe('Poisson arrivals', () => {
  const phases: LoadPhase[] = [{ durationSeconds: 20, ratePerSecond: 1000 }];

  test('are the same for the same seed', () => {
    expect(poisson(phases, 42).offsetsMs).toEqual(poisson(phases, 42).offsetsMs);
  });

  test('differ across seeds', () => {
    const a = poisson(phases, 1).offsetsMs;
    const b = poisson(phases, 2).offsetsMs;
    expect(a.slice(0, 10)).not.toEqual(b.slice(0, 10));
  });

  test('keep the mean rate and have exponential gaps (coefficient of variation 1)', () => {
    const offsets = poisson(phases).offsetsMs;
    // 20 000 expected, standard deviation ~141: 3% is over 4 of them.
    expect(Math.abs(offsets.length - 20_000)).toBeLessThan(600);
    const gaps = offsets.slice(1).map((offset, i) => offset - (offsets[i] ?? 0));
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    const variance = gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length;
    expect(mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(variance) / mean).toBeGreaterThan(0.95);
    expect(Math.sqrt(variance) / mean).toBeLessThan(1.05);
    expect(offsets.every((offset, i) => i === 0 || offset >= (offsets[i - 1] ?? 0))).toBe(true);
  });

  test('follow the stairs of a stepped phase', () => {
    const schedule = poisson([
      { durationSeconds: 10, ratePerSecond: 500, toRatePerSecond: 1000, steps: 2 },
    ]);
    // 2500 and 5000 expected (standard deviations 50 and 71).
    expect(Math.abs(countBetween(schedule, 0, 5000) - 2500)).toBeLessThan(200);
    expect(Math.abs(countBetween(schedule, 5000, 10000) - 5000)).toBeLessThan(300);
  });
});

describe('phases', () => {
  test('run back to back, named or called phase-<n>', () => {
    const schedule = constant([
      { name: 'warm-up', durationSeconds: 2, ratePerSecond: 10 },
      { durationSeconds: 3, ratePerSecond: 20 },
      { name: 'peak', durationSeconds: 1, ratePerSecond: 50 },
    ]);
    expect(schedule.phases).toEqual([
      { name: 'warm-up', startMs: 0, durationMs: 2000, scheduled: 20 },
      { name: 'phase-2', startMs: 2000, durationMs: 3000, scheduled: 60 },
      { name: 'peak', startMs: 5000, durationMs: 1000, scheduled: 50 },
    ]);
    expect(schedule.totalMs).toBe(6000);
    schedule.offsetsMs.forEach((offset, i) => {
      const phase = schedule.phases[schedule.phaseIndexes[i] ?? -1];
      expect(phase).toBeDefined();
      expect(offset).toBeGreaterThanOrEqual(phase?.startMs ?? Infinity);
      expect(offset).toBeLessThan((phase?.startMs ?? 0) + (phase?.durationMs ?? 0));
    });
    // No request doubled or skipped at a boundary: the first of phase 2 is at 2000 ms.
    expect(schedule.offsetsMs[20]).toBeCloseTo(2000, 6);
  });

  test('refuses a schedule too large for one generator, saying what to change', () => {
    expect(() => constant([{ durationSeconds: 3600, ratePerSecond: 100_000 }])).toThrow(
      LoadScheduleError,
    );
    expect(() => constant([{ durationSeconds: 3600, ratePerSecond: 100_000 }])).toThrow(
      /lower ratePerSecond/,
    );
  });
});

describe('a short Poisson schedule', () => {
  test.each([0, 1, 2, 7, 42])(
    'with the small seed %i still has about rate x duration arrivals',
    (seed) => {
      const schedule = buildArrivalSchedule({
        arrival: 'poisson',
        phases: [{ durationSeconds: 2, ratePerSecond: 5 }],
        seed,
      });
      expect(schedule.offsetsMs.length).toBeGreaterThanOrEqual(3);
      expect(schedule.offsetsMs.length).toBeLessThanOrEqual(20);
    },
  );
});
