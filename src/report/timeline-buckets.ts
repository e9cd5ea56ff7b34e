import type { LoadTimelinePoint } from '../loadtest/load-types';

/** Rows a Markdown timeline may have before seconds are grouped. */
export const MAX_TIMELINE_ROWS = 40;

/** Bucket widths that read well: a row per 15 s, not per 17 s. */
const BUCKET_SECONDS = [1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];

export interface TimelineBucket {
  /** First and last second the bucket covers (both inclusive). */
  fromSecond: number;
  toSecond: number;
  sent: number;
  ok: number;
  errors: number;
  /** The bucket's worst second: percentiles of different seconds cannot be merged. */
  p50Ms: number;
  p99Ms: number;
}

export interface BucketedTimeline {
  bucketSeconds: number;
  rows: TimelineBucket[];
}

/**
 * Groups a per-second timeline into at most `maxRows` rows of equal width,
 * counted from the first second. Counts are summed, so the totals of the
 * rows are the totals of the timeline; latencies are each bucket's worst
 * second, which keeps a slow second visible instead of averaging it away.
 * Seconds without any point leave no row.
 */
export function bucketTimeline(
  points: readonly LoadTimelinePoint[],
  maxRows = MAX_TIMELINE_ROWS,
): BucketedTimeline {
  if (points.length === 0) return { bucketSeconds: 1, rows: [] };
  const limit = Math.max(1, Math.floor(maxRows));
  const sorted = [...points].sort((a, b) => a.second - b.second);
  const first = sorted[0]?.second ?? 0;
  const last = sorted[sorted.length - 1]?.second ?? 0;
  const span = last - first + 1;
  const bucketSeconds =
    BUCKET_SECONDS.find((width) => Math.ceil(span / width) <= limit) ?? Math.ceil(span / limit);

  const byIndex = new Map<number, TimelineBucket>();
  for (const point of sorted) {
    const index = Math.floor((point.second - first) / bucketSeconds);
    const fromSecond = first + index * bucketSeconds;
    const bucket = byIndex.get(index) ?? {
      fromSecond,
      toSecond: Math.min(fromSecond + bucketSeconds - 1, last),
      sent: 0,
      ok: 0,
      errors: 0,
      p50Ms: 0,
      p99Ms: 0,
    };
    bucket.sent += point.sent;
    bucket.ok += point.ok;
    bucket.errors += point.errors;
    // A second without a success reports 0 ms, which max passes over.
    bucket.p50Ms = Math.max(bucket.p50Ms, point.p50Ms);
    bucket.p99Ms = Math.max(bucket.p99Ms, point.p99Ms);
    byIndex.set(index, bucket);
  }
  return { bucketSeconds, rows: [...byIndex.values()] };
}
