import ms from 'ms';

/**
 * Durations in pipeline files are written as `90s`, `15m`, `2h`, `7d`: the
 * same strings Temporal's own Duration type accepts, so a workflow can hand
 * them to timers unchanged.
 */
export function parseDurationMs(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*[a-z]+\s*$/i.test(text)) return undefined;
  // ms() is typed for literal templates; the regex above has checked the shape.
  const value = ms(text as ms.StringValue);
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export function formatDurationMs(durationMs: number): string {
  return ms(durationMs, { long: true });
}
