/**
 * Numbers as Ferry writes them, on the terminal and in the reports alike:
 * metrics with four decimals, milliseconds with one, rates as percentages,
 * counts with thousands separators. `ferry status`, the Markdown and the
 * HTML report all format through here, so a figure reads the same in each.
 */

/** A metric value, four decimals (one from 1000 up); "-" when missing or NaN. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toFixed(4);
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
