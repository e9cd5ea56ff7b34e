/**
 * Numbers as the Markdown report shows them: milliseconds with one decimal,
 * rates as percentages, counts with thousands separators. Metrics use the
 * CLI's formatNumber (four decimals), so both read the same.
 */
import { formatNumber } from '../cli/format-leaderboard';

/** A metric value; "-" when missing or not a finite number. */
export function formatMetric(value: number | null | undefined): string {
  return formatNumber(value ?? undefined);
}

export function formatMs(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? '-' : `${ms.toFixed(1)} ms`;
}

/** Two decimals ("1.25%"); two significant digits below 0.01% so a tiny rate never reads "0.00%". */
export function formatPercent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '-';
  const percent = fraction * 100;
  if (percent > 0 && percent < 0.01) return `${Number(percent.toPrecision(2))}%`;
  return `${percent.toFixed(2)}%`;
}

/** Thousands separated by commas, the same on every machine's locale. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "850 ms", "12.4 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  }
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** An ISO time without milliseconds: "2025-03-01 10:04:05Z". */
export function formatTime(iso: string | null): string {
  if (iso === null) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? `${perSecond.toFixed(1)} req/s` : '-';
}
