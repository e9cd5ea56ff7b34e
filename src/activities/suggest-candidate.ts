import { ApplicationFailure } from '@temporalio/common';
import { runTpeSuggester, TPE_EXIT_BAD_REQUEST } from '../search/tpe-suggester';
import { pointSchema, type Point, type SuggestCandidateInput } from '../search/suggestion';
import { FAILURE } from '../shared/failure-types';

/**
 * suggestCandidate (`strategy: tpe`): the next candidate from Optuna's TPE
 * sampler, given the search so far. Stateless and deterministic: the same
 * input gives the same point, so a retry is harmless and a rerun repeats the
 * search; the workflow's history keeps the answer for replay.
 */
export async function suggestCandidate(input: SuggestCandidateInput): Promise<Point> {
  const { exitCode, stdout, stderr } = await runTpeSuggester(JSON.stringify(input));
  if (exitCode === TPE_EXIT_BAD_REQUEST) {
    throw ApplicationFailure.nonRetryable(
      `the TPE suggester refused its request: ${stderr.trim()}`,
      FAILURE.search,
    );
  }
  if (exitCode !== 0) {
    // Anything else (a crash, a missing package) may pass on a retry on a healthy worker.
    throw new Error(
      `the TPE suggester exited with code ${exitCode}: ${lastLines(stderr)} (is optuna installed? run bash scripts/setup.sh)`,
    );
  }
  const parsed = pointSchema.safeParse(JSON.parse(stdout));
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `the TPE suggester answered something that is not a candidate: ${stdout.slice(0, 200)}`,
      FAILURE.search,
    );
  }
  return parsed.data;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}
