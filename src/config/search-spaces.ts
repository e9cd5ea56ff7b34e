import type { Task } from '../evaluation/metric-names';
import { ALGORITHM_NAMES, type AlgorithmName } from './algorithm-catalog';
import type { HyperparameterValue, PipelineConfig } from './pipeline-schema';

/** One algorithm's hyperparameters as the pipeline file writes them: fixed, a range, or a list. */
export type SearchSpace = Record<string, HyperparameterValue>;

export interface AlgorithmSpace {
  algorithm: AlgorithmName;
  space: SearchSpace;
  /** The built-in space: its first candidate is the library's defaults (candidate-generator.ts). */
  isBuiltin: boolean;
}

/**
 * The search space of a run, one entry per algorithm, in the pipeline's
 * order: what it lists, or the built-in space where it lists no
 * hyperparameters (all four algorithms when it lists none).
 */
export function searchSpaces(
  candidates: Pick<PipelineConfig['candidates'], 'algorithms'>,
  task: Task,
): AlgorithmSpace[] {
  const choices: { name: AlgorithmName; hyperparameters?: SearchSpace }[] =
    candidates.algorithms ?? ALGORITHM_NAMES.map((name) => ({ name }));
  return choices.map(({ name, hyperparameters }) =>
    hyperparameters === undefined
      ? { algorithm: name, space: builtinSearchSpace(name, task), isBuiltin: true }
      : { algorithm: name, space: hyperparameters, isBuiltin: false },
  );
}

const logRange = (low: number, high: number) => ({ low, high, log: true });
const range = (low: number, high: number) => ({ low, high, log: false });

/**
 * The search space an algorithm gets when the pipeline lists it without
 * hyperparameters, or lists no algorithms at all. algorithms/README.md gives
 * each range and the published space it comes from (FLAML's, and TabRepo's
 * TabArena spaces behind AutoGluon's portfolio); where Ferry departs from
 * them, it says why. The search starts from the library's defaults
 * (candidate-generator.ts), so it adds to what they do.
 */
export function builtinSearchSpace(algorithm: AlgorithmName, task: Task): SearchSpace {
  switch (algorithm) {
    case 'xgboost':
      return {
        // The cap; early stopping on the validation rows picks the rounds.
        num_round: 2_000,
        eta: logRange(0.01, 0.3),
        max_depth: range(3, 10),
        min_child_weight: logRange(0.001, 5),
        subsample: range(0.6, 1),
        colsample_bytree: range(0.6, 1),
        alpha: logRange(0.0001, 5),
        lambda: logRange(0.0001, 5),
      };
    case 'hist-gradient-boosting':
      return {
        max_iter: 2_000,
        learning_rate: logRange(0.01, 0.3),
        max_leaf_nodes: logRange(4, 200),
        min_samples_leaf: logRange(1, 64),
        l2_regularization: logRange(0.0001, 2),
      };
    case 'random-forest':
      return {
        n_estimators: 300,
        max_features: logRange(0.1, 1),
        min_samples_leaf: [1, 2, 3, 4, 5, 10, 20, 40, 80],
      };
    case 'linear':
      return task === 'regression'
        ? { alpha: logRange(1 / 32_768, 32) }
        : { C: logRange(1 / 32, 32_768), max_iter: 1_000 };
  }
}
