import type { Progress } from '../backends/trainer';

/**
 * The lines the algorithm scripts print for us (algorithms/README.md):
 * `[ferry] progress <stage> <fraction>`, `[ferry] metric validation:<name>=<value>`,
 * and `[ferry] metric train:fitted_rounds=<n>` after early stopping. The
 * metric form is also what a SageMaker MetricDefinition regex matches.
 */
const PROGRESS = /^\[ferry\] progress (\S+) ([0-9.]+)\s*$/;
const METRIC = /^\[ferry\] metric validation:([a-z0-9_]+)=([-+0-9.eE]+|nan|inf|-inf)\s*$/;

export function parseProgress(line: string): Progress | undefined {
  const match = PROGRESS.exec(line);
  return match ? { stage: match[1] ?? '', fraction: Number(match[2]) } : undefined;
}

const FITTED_ROUNDS = /^\[ferry\] metric train:fitted_rounds=(\d+)\s*$/;

export function parseMetric(line: string): [string, number] | undefined {
  const match = METRIC.exec(line);
  return match ? [match[1] ?? '', Number(match[2])] : undefined;
}

export function parseFittedRounds(line: string): number | undefined {
  const match = FITTED_ROUNDS.exec(line);
  return match ? Number(match[1]) : undefined;
}

/** The last line of a failed script's output that is not ours: its error message. */
export function lastErrorLine(lines: readonly string[]): string {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (line !== '' && !line.startsWith('[ferry]')) return line;
  }
  return '(no output)';
}
