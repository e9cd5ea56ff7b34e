import { ApplicationFailure } from '@temporalio/workflow';
import { checkChampionGate } from '../../evaluation/champion-gate';
import {
  selectCandidate,
  type LeaderboardRow,
  type ScoredCandidate,
} from '../../evaluation/select';
import { FAILURE } from '../../shared/failure-types';
import type { PreparedData } from '../definitions';
import type { RunState } from '../run-state';

/**
 * Step 3: rank the candidates, check the best against the threshold gates
 * and, if the pipeline asks, against the group's champion on the same test
 * split. Undefined when no candidate may go forward (the run's reason says
 * why); a run whose candidates all failed fails here.
 */
export function select(
  run: RunState,
  data: PreparedData,
  scored: ScoredCandidate[],
): Promise<LeaderboardRow | undefined> {
  const { config } = run;
  return run.step(
    'select',
    async () => {
      if (scored.length === 0) {
        const firstError = run.statuses().find((status) => status.error !== undefined)?.error;
        throw ApplicationFailure.nonRetryable(
          `all ${run.statuses().length} candidates failed; the first error: ${firstError ?? 'unknown'}`,
          FAILURE.allCandidatesFailed,
        );
      }
      const selection = selectCandidate(scored, config.objective, config.gates.thresholds);
      run.leaderboard = selection.leaderboard;
      if (selection.outcome === 'no-candidate-passed') {
        run.reason = selection.reason;
        return undefined;
      }
      const { winner } = selection;
      if (config.gates.champion.enabled) {
        const champion = await run.activities.evaluateChampion({
          runId: run.runId,
          group: config.modelGroup,
          task: config.dataset.task,
          target: config.dataset.target,
          testChannel: data.channels.test,
          backend: run.backend,
        });
        run.championGate = checkChampionGate(
          config.objective,
          winner,
          champion.found ? champion : undefined,
          config.gates.champion.margin,
        );
        if (!run.championGate.passed) {
          run.reason = `champion gate: ${run.championGate.reason}`;
          return undefined;
        }
      }
      run.winner = winner;
      return winner;
    },
    (winner) => ({ note: winner ? `${winner.id} (${winner.algorithm}) selected` : run.reason }),
  );
}
