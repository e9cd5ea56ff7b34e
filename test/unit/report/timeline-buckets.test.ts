import { bucketTimeline, MAX_TIMELINE_ROWS } from '../../../src/report';
import type { LoadTimelinePoint } from '../../../src/loadtest/load-types';
import { timeline } from './run-fixtures';

function sum(points: readonly { sent: number; ok: number; errors: number }[]) {
  return points.reduce(
    (total, point) => ({
      sent: total.sent + point.sent,
      ok: total.ok + point.ok,
      errors: total.errors + point.errors,
    }),
    { sent: 0, ok: 0, errors: 0 },
  );
}

describe('bucketTimeline', () => {
  test('keeps one row per second when the timeline fits under the cap', () => {
    const points = timeline(40, 10);
    const { bucketSeconds, rows } = bucketTimeline(points);
    expect(bucketSeconds).toBe(1);
    expect(rows).toHaveLength(40);
    const { second, ...counts } = points[5] ?? timeline(1, 0)[0]!;
    expect(rows[5]).toEqual({ fromSecond: second, toSecond: second, ...counts });
  });

  test('keeps a 600-second timeline under the row cap with the same totals', () => {
    const points = timeline(600, 50, 2);
    const { bucketSeconds, rows } = bucketTimeline(points);
    expect(rows.length).toBeLessThanOrEqual(MAX_TIMELINE_ROWS);
    expect(bucketSeconds).toBe(15);
    expect(sum(rows)).toEqual(sum(points));
    expect(rows[rows.length - 1]).toMatchObject({ fromSecond: 585, toSecond: 599 });
  });

  test('covers every second once, whatever the cap', () => {
    const points = timeline(601, 3);
    for (const cap of [1, 7, 40, 1000]) {
      const { rows } = bucketTimeline(points, cap);
      expect(rows.length).toBeLessThanOrEqual(cap);
      expect(sum(rows)).toEqual(sum(points));
      const covered = rows.reduce((total, row) => total + row.toSecond - row.fromSecond + 1, 0);
      expect(covered).toBe(601);
    }
  });

  test("shows each bucket's worst second, not an average that hides it", () => {
    const points: LoadTimelinePoint[] = [
      { second: 0, sent: 10, ok: 10, errors: 0, p50Ms: 5, p99Ms: 20 },
      { second: 1, sent: 10, ok: 10, errors: 0, p50Ms: 9, p99Ms: 900 },
      { second: 2, sent: 10, ok: 0, errors: 10, p50Ms: 0, p99Ms: 0 },
    ];
    const { rows } = bucketTimeline(points, 1);
    expect(rows).toEqual([
      { fromSecond: 0, toSecond: 2, sent: 30, ok: 20, errors: 10, p50Ms: 9, p99Ms: 900 },
    ]);
  });

  test('starts buckets at the first second and leaves no row for a gap', () => {
    const points = [10, 11, 50, 51].map((second) => ({
      second,
      sent: 1,
      ok: 1,
      errors: 0,
      p50Ms: 1,
      p99Ms: 2,
    }));
    const { bucketSeconds, rows } = bucketTimeline(points, 10);
    expect(bucketSeconds).toBe(5);
    expect(rows.map((row) => [row.fromSecond, row.toSecond, row.sent])).toEqual([
      [10, 14, 2],
      [50, 51, 2],
    ]);
  });

  test('returns no rows for an empty timeline', () => {
    expect(bucketTimeline([])).toEqual({ bucketSeconds: 1, rows: [] });
  });
});
