import { pipelineSchema } from '../../src/config/pipeline-schema';
import { searchSpaces } from '../../src/config/search-spaces';
import type { ScoredCandidate } from '../../src/evaluation/select';
import { suggestCandidate } from '../../src/activities/suggest-candidate';
import type { SuggestCandidateInput } from '../../src/search/suggestion';
import type { Candidate } from '../../src/workflows/definitions';
import { guidedSearch } from '../../src/workflows/guided-search';
import { validPipeline } from '../fixtures/pipelines';

/**
 * The guided search's scheduling with the real TPE suggester (Optuna, in
 * Python). The "training" is a made-up score function with random delays:
 * what is under test is which questions are asked, whatever the timing.
 */
const candidates = pipelineSchema.parse({
  ...validPipeline(),
  candidates: {
    count: 10,
    maxParallel: 3,
    strategy: 'tpe',
    seed: 5,
    algorithms: [
      {
        name: 'xgboost',
        hyperparameters: { eta: { low: 0.01, high: 0.3, log: true }, max_depth: [2, 4, 6] },
      },
      { name: 'linear' },
    ],
  },
}).candidates;

/** A smooth score with its best near eta 0.1, depth 4; linear a little worse. */
function score(candidate: Candidate): number {
  const { eta = 0.1, max_depth = 4, C = 1 } = candidate.hyperparameters;
  if (candidate.algorithm === 'linear') return 0.8 - 0.01 * Math.abs(Math.log10(C));
  return 0.9 - 0.05 * Math.abs(Math.log10(eta / 0.1)) - 0.01 * Math.abs(max_depth - 4);
}

async function search(delayMs: (candidate: Candidate) => number) {
  const asked: SuggestCandidateInput[] = [];
  const scored = await guidedSearch({
    candidates,
    spaces: searchSpaces(candidates, 'binary'),
    objective: 'roc_auc',
    suggest: (request) => {
      asked.push(request);
      return suggestCandidate(request);
    },
    trainOne: async (candidate): Promise<ScoredCandidate | undefined> => {
      await new Promise((resolve) => setTimeout(resolve, delayMs(candidate)));
      // One failure, to show a failed candidate is told as failed, not as a score.
      if (candidate.index === 4) return undefined;
      return { ...candidate, metrics: { roc_auc: score(candidate) } };
    },
  });
  return { asked, scored };
}

describe('the guided search (strategy: tpe)', () => {
  test('asks the same questions and gets the same candidates whatever order the lanes finish in', async () => {
    const inOrder = await search(() => 5);
    const shuffled = await search((candidate) => ((candidate.index * 37) % 11) * 15);
    expect(shuffled.asked).toEqual(inOrder.asked);
    expect(shuffled.scored).toEqual(inOrder.scored);
    expect(inOrder.scored).toHaveLength(9);
  });

  test('starts from the defaults, then tells each ask the finished candidates and the running ones', async () => {
    const { asked, scored } = await search(() => 5);
    // The linear space is built in: its library defaults go first, unasked.
    expect(scored[0]).toMatchObject({
      id: 'c01',
      algorithm: 'linear',
      hyperparameters: { max_iter: 1000 },
    });
    expect(asked).toHaveLength(9);
    // Candidate k (0-based, here 7) is told candidates 0..k-3 and sees k-2, k-1 as running.
    const ask = asked.find((request) => request.trials.length === 7);
    expect(ask?.trials.map((trial) => trial.state)).toEqual([
      'complete',
      'complete',
      'complete',
      'complete',
      'failed',
      'running',
      'running',
    ]);
    expect(ask?.trials[0]?.value).toBeCloseTo(0.8, 6);
    expect(new Set(asked.map((request) => request.seed)).size).toBe(asked.length);
    for (const candidate of scored.slice(1)) {
      if (candidate.algorithm === 'xgboost')
        expect([2, 4, 6]).toContain(candidate.hyperparameters.max_depth);
    }
  });
});
