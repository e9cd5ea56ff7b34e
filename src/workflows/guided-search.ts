import { ALGORITHMS, type HyperparameterSpec } from '../config/algorithm-catalog';
import type { PipelineConfig } from '../config/pipeline-schema';
import type { AlgorithmSpace } from '../config/search-spaces';
import type { ScoredCandidate } from '../evaluation/select';
import { isHigherBetter, type MetricName } from '../evaluation/metric-names';
import type { Point, SearchedAlgorithm, SearchTrial } from '../search/suggestion';
import { mapBounded } from './bounded';
import { candidateAt, startingPoints } from './candidate-generator';
import type { Candidate } from './definitions';

export interface GuidedSearch {
  candidates: PipelineConfig['candidates'];
  spaces: AlgorithmSpace[];
  objective: MetricName;
  /** Asks the TPE suggester (the suggestCandidate activity). */
  suggest: (request: {
    seed: number;
    direction: 'maximize' | 'minimize';
    spaces: SearchedAlgorithm[];
    trials: SearchTrial[];
  }) => Promise<Point>;
  /** Trains and scores one candidate; undefined when it failed. */
  trainOne: (candidate: Candidate) => Promise<ScoredCandidate | undefined>;
}

/**
 * `strategy: tpe`: candidates asked for one at a time as lanes free up,
 * each from the scores of the ones before it. So that a rerun asks the
 * same questions whatever the timing, candidate k is asked once candidates
 * 0..k-P have finished (P = maxParallel) and is told exactly those; the
 * P-1 started after them go in as running, which TPE's constant liar keeps
 * it from crowding. The built-in spaces' defaults go first, unasked. In the usual case the oldest candidate is the first to
 * finish and no lane waits; a slow one holds back at most P-1 asks.
 */
export async function guidedSearch(search: GuidedSearch): Promise<ScoredCandidate[]> {
  const { candidates: config, spaces, objective } = search;
  const lag = config.maxParallel;
  const starts = startingPoints(spaces);
  const points: Point[] = [];
  const outcomes: (ScoredCandidate | undefined)[] = [];
  const finished = Array.from({ length: config.count }, () => signal());
  const decided = Array.from({ length: config.count }, () => signal());
  const indices = Array.from({ length: config.count }, (_, index) => index);
  const searched = spaces.map(searchedAlgorithm);
  const direction = isHigherBetter(objective) ? 'maximize' : 'minimize';

  const scored = await mapBounded(indices, config.maxParallel, async (index) => {
    let point = starts[index];
    if (point === undefined) {
      await Promise.all(decided.slice(0, index).map((one) => one.done));
      await Promise.all(finished.slice(0, Math.max(0, index - lag + 1)).map((one) => one.done));
      point = await ask(index);
    }
    const candidate = candidateAt(config, index, point);
    points[index] = point;
    decided[index]?.resolve();
    try {
      const outcome = await search.trainOne(candidate);
      outcomes[index] = outcome;
      return outcome;
    } finally {
      finished[index]?.resolve();
    }
  });
  return scored.filter((one): one is ScoredCandidate => one !== undefined);

  function ask(index: number): Promise<Point> {
    const toldUpTo = index - lag + 1;
    const trials = points.slice(0, index).map((point, earlier): SearchTrial => {
      if (earlier >= toldUpTo) return { ...point, state: 'running' };
      const value = outcomes[earlier]?.metrics[objective];
      return value === undefined
        ? { ...point, state: 'failed' }
        : { ...point, state: 'complete', value };
    });
    return search.suggest({
      seed: config.seed * 1_000 + index,
      direction,
      spaces: searched,
      trials,
    });
  }
}

function searchedAlgorithm({ algorithm, space }: AlgorithmSpace): SearchedAlgorithm {
  const specs: Record<string, HyperparameterSpec> = ALGORITHMS[algorithm].hyperparameters;
  const kinds = Object.fromEntries(
    Object.keys(space).map((name) => [name, specs[name]?.kind ?? 'float'] as const),
  );
  return { algorithm, space, kinds };
}

/** A promise the workflow resolves itself: deterministic, no timers. */
function signal(): { done: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { done, resolve };
}
