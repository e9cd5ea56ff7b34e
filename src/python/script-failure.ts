import { JobInputError } from '../backends/trainer';
import type { ScriptRun } from './run-script';
import { lastErrorLine } from './script-output';

/** Exit code the scripts use for "bad input" (algorithms/README.md). */
const EXIT_BAD_INPUT = 2;

/**
 * A failed script as the error its caller throws: bad input (exit 2) is a
 * JobInputError no retry will fix; anything else may pass on a retry.
 */
export function throwIfScriptFailed(run: ScriptRun, what: string, log: string): void {
  if (run.exitCode === 0) return;
  const message = `${what} failed (exit ${run.exitCode}): ${lastErrorLine(run.tail)} (log: ${log})`;
  throw run.exitCode === EXIT_BAD_INPUT ? new JobInputError(message) : new Error(message);
}
