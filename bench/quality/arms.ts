import {
  pipelineSchema,
  type PipelineConfig,
  type PipelineInput,
} from '../../src/config/pipeline-schema';
import type { QualityDataset } from './datasets';

export type Strategy = 'tpe' | 'random';

/** One way of running Ferry: N candidates from the built-in search spaces, drawn by `strategy`. */
export interface Arm {
  /** e.g. tpe-32 */
  name: string;
  strategy: Strategy;
  count: number;
}

/** The three arms: TPE at 32 and 100, and random at 32 to compare TPE against. */
export const DEFAULT_ARMS: readonly Arm[] = [arm('tpe', 32), arm('tpe', 100), arm('random', 32)];

export function arm(strategy: Strategy, count: number): Arm {
  return { name: `${strategy}-${count}`, strategy, count };
}

/** `tpe-32` (or `tpe:32`) as an arm; throws a message naming the accepted forms. */
export function parseArm(text: string): Arm {
  const match = /^(tpe|random)[-:](\d+)$/.exec(text.trim());
  const count = Number(match?.[2]);
  if (!match || !Number.isInteger(count) || count < 1 || count > 250)
    throw new Error(
      `quality: arm '${text}' is not <strategy>-<N> with strategy tpe or random and N from 1 to 250 (e.g. tpe-32)`,
    );
  return arm(match[1] as Strategy, count);
}

/** The seed of every arm's candidate generator: arms differ by strategy and N only. */
const CANDIDATE_SEED = 1;
const MAX_PARALLEL = 2;

/**
 * The pipeline file's candidates block, exactly `{ count, strategy,
 * maxParallel, seed }`: no `algorithms`, so all four algorithms with their
 * built-in search spaces (src/config/search-spaces.ts), which is what the
 * benchmark measures.
 */
export function candidatesFor(count: number, strategy: Strategy): PipelineInput['candidates'] {
  return { count, strategy, maxParallel: MAX_PARALLEL, seed: CANDIDATE_SEED };
}

/**
 * One arm's pipeline on the 75% file. No `evaluation` (the size rule picks
 * 5-fold CV for these datasets); no gates, so every run reaches the
 * decision, which the benchmark then rejects; its own model group per run.
 */
export function qualityConfig(
  dataset: QualityDataset,
  learnFile: string,
  { strategy, count }: Arm,
): PipelineConfig {
  return pipelineSchema.parse({
    name: 'bench-quality',
    dataset: {
      path: learnFile,
      target: dataset.target,
      task: dataset.task,
      ...(dataset.positiveClass === undefined ? {} : { positiveClass: dataset.positiveClass }),
    },
    candidates: candidatesFor(count, strategy),
    objective: dataset.objective,
    modelGroup: `bench-quality-${dataset.name.replace(/_/g, '-')}-${strategy}-${count}`,
    approval: { approvers: ['bench-approver'] },
    gates: { thresholds: [], champion: { enabled: false, margin: 0 } },
    loadTest: { phases: [{ durationSeconds: 1, ratePerSecond: 1 }], slo: { latencyP99Ms: 100 } },
  });
}
