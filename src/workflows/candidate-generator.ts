import type { PipelineConfig, HyperparameterValue } from '../config/pipeline-schema';
import { ALGORITHMS, type HyperparameterSpec } from '../config/algorithm-catalog';
import { searchSpaces, type AlgorithmSpace } from '../config/search-spaces';
import type { Task } from '../evaluation/metric-names';
import type { Point } from '../search/suggestion';
import { SeededRandom } from '../shared/seeded-random';
import type { Candidate } from './definitions';

type CandidateSpace = PipelineConfig['candidates'];

/** How often a random draw may repeat an earlier candidate before we accept the repeat. */
const MAX_REDRAWS = 20;

/**
 * The candidates of a run (random and grid), from the search space and its
 * seed alone: the same config gives the same list on every machine, every
 * rerun and every workflow replay. Algorithms take turns, so each gets its
 * share of N. (`tpe` asks for its candidates as the run goes: guided-search.ts.)
 */
export function generateCandidates(space: CandidateSpace, task: Task): Candidate[] {
  const spaces = searchSpaces(space, task);
  const drawn = space.strategy === 'grid' ? gridPoints(space, spaces) : randomPoints(space, spaces);
  return drawn.map((point, index) => candidateAt(space, index, point));
}

/** Candidate `index` of a run at `point`: its id, and its seed from the run's. */
export function candidateAt(space: CandidateSpace, index: number, point: Point): Candidate {
  const width = Math.max(2, String(space.count).length);
  return {
    id: `c${String(index + 1).padStart(width, '0')}`,
    index,
    algorithm: point.algorithm,
    hyperparameters: point.hyperparameters,
    seed: space.seed * 1_000 + index,
  };
}

/**
 * Where a search starts: each built-in space's library defaults (only its
 * fixed values set, such as the rounds cap), the configuration a plain
 * baseline would use, so the search can only add to it. Spaces the pipeline
 * wrote itself start wherever the search takes them.
 */
export function startingPoints(spaces: AlgorithmSpace[]): Point[] {
  return spaces
    .filter((entry) => entry.isBuiltin)
    .map((entry) => ({ algorithm: entry.algorithm, hyperparameters: fixedValues(entry.space) }));
}

function fixedValues(space: Record<string, HyperparameterValue>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(space).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number',
    ),
  );
}

function randomPoints(space: CandidateSpace, spaces: AlgorithmSpace[]): Point[] {
  const random = new SeededRandom(space.seed);
  const seen = new Set<string>();
  const points: Point[] = startingPoints(spaces).slice(0, space.count);
  for (const point of points) seen.add(key(point));
  for (let i = points.length; i < space.count; i++) {
    const entry = spaces[i % spaces.length];
    if (entry === undefined) break;
    let point = drawPoint(entry, random);
    for (let redraw = 0; seen.has(key(point)) && redraw < MAX_REDRAWS; redraw++) {
      point = drawPoint(entry, random);
    }
    seen.add(key(point));
    points.push(point);
  }
  return points;
}

function drawPoint({ algorithm, space: values }: AlgorithmSpace, random: SeededRandom): Point {
  const specs: Record<string, HyperparameterSpec> = ALGORITHMS[algorithm].hyperparameters;
  const hyperparameters: Record<string, number> = {};
  for (const name of Object.keys(values).sort()) {
    const value = values[name];
    const spec = specs[name];
    if (value === undefined || spec === undefined) continue;
    hyperparameters[name] = drawValue(value, spec, random);
  }
  return { algorithm, hyperparameters };
}

function drawValue(
  value: HyperparameterValue,
  spec: HyperparameterSpec,
  random: SeededRandom,
): number {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return random.pick(value);
  if (spec.kind === 'int' && !value.log) return random.int(value.low, value.high);
  const unit = random.float();
  const drawn = value.log
    ? Math.exp(Math.log(value.low) + unit * (Math.log(value.high) - Math.log(value.low)))
    : value.low + unit * (value.high - value.low);
  // Six significant digits: readable in the leaderboard, and the same after a JSON round trip.
  return spec.kind === 'int'
    ? Math.min(value.high, Math.max(value.low, Math.round(drawn)))
    : Number(drawn.toPrecision(6));
}

/** Grid: every combination of each algorithm's listed values, algorithms interleaved, first N kept. */
function gridPoints(space: CandidateSpace, spaces: AlgorithmSpace[]): Point[] {
  const grids = spaces.map((entry) => combinations(entry.algorithm, entry.space));
  const points: Point[] = [];
  for (
    let round = 0;
    points.length < space.count && grids.some((grid) => round < grid.length);
    round++
  ) {
    for (const grid of grids) {
      const point = grid[round];
      if (point !== undefined && points.length < space.count) points.push(point);
    }
  }
  return points;
}

function combinations(algorithm: string, values: Record<string, HyperparameterValue>): Point[] {
  let partial: Record<string, number>[] = [{}];
  for (const name of Object.keys(values).sort()) {
    const value = values[name];
    // Config validation rejects ranges under grid search; a range here is a bug upstream.
    if (value === undefined || (typeof value !== 'number' && !Array.isArray(value))) {
      throw new Error(`grid search cannot enumerate the range of ${algorithm}.${name}`);
    }
    const options = typeof value === 'number' ? [value] : value;
    partial = partial.flatMap((combo) => options.map((option) => ({ ...combo, [name]: option })));
  }
  return partial.map((hyperparameters) => ({ algorithm, hyperparameters }));
}

function key(point: Point): string {
  return `${point.algorithm} ${JSON.stringify(point.hyperparameters)}`;
}
