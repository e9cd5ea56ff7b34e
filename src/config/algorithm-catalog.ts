import type { Task } from '../evaluation/metric-names';

/**
 * The algorithms under algorithms/ and the hyperparameters each train.py
 * accepts. Names follow the libraries' own (SageMaker's XGBoost names for
 * xgboost), because they are passed through as `--name value` arguments.
 * Bounds are the libraries' valid ranges, so a bad range fails at validation
 * time instead of minutes later inside a training job.
 */
export interface HyperparameterSpec {
  kind: 'int' | 'float';
  /** Smallest valid value; `minExclusive` makes it a strict bound. */
  min: number;
  minExclusive?: boolean;
  max?: number;
  /** Only meaningful for these tasks; using it elsewhere is an error. */
  tasks?: readonly Task[];
  description: string;
}

export interface AlgorithmSpec {
  description: string;
  hyperparameters: Record<string, HyperparameterSpec>;
  /**
   * The hyperparameter that caps boosting rounds, for algorithms that stop
   * early on the validation data: the refit trains the rounds they kept.
   */
  rounds?: string;
}

export const ALGORITHMS = {
  xgboost: {
    description: 'XGBoost gradient-boosted trees (SageMaker XGBoost container)',
    rounds: 'num_round',
    hyperparameters: {
      num_round: { kind: 'int', min: 1, max: 10_000, description: 'boosting rounds' },
      max_depth: { kind: 'int', min: 1, max: 30, description: 'maximum tree depth' },
      eta: { kind: 'float', min: 0, minExclusive: true, max: 1, description: 'learning rate' },
      subsample: {
        kind: 'float',
        min: 0,
        minExclusive: true,
        max: 1,
        description: 'row subsample ratio',
      },
      colsample_bytree: {
        kind: 'float',
        min: 0,
        minExclusive: true,
        max: 1,
        description: 'column subsample ratio per tree',
      },
      min_child_weight: { kind: 'float', min: 0, description: 'minimum hessian weight in a child' },
      gamma: { kind: 'float', min: 0, description: 'minimum loss reduction to split' },
      alpha: { kind: 'float', min: 0, description: 'L1 regularisation' },
      lambda: { kind: 'float', min: 0, description: 'L2 regularisation' },
      early_stopping_rounds: {
        kind: 'int',
        min: 0,
        description:
          'stop after this many rounds without validation improvement (0: never; default 20)',
      },
    },
  },
  linear: {
    description:
      'logistic regression (classification) or ridge regression (regression), scikit-learn',
    hyperparameters: {
      C: {
        kind: 'float',
        min: 0,
        minExclusive: true,
        tasks: ['binary', 'multiclass'],
        description: 'inverse regularisation strength (logistic regression)',
      },
      alpha: {
        kind: 'float',
        min: 0,
        tasks: ['regression'],
        description: 'L2 regularisation strength (ridge)',
      },
      max_iter: { kind: 'int', min: 1, max: 100_000, description: 'solver iterations' },
    },
  },
  'random-forest': {
    description: 'random forest, scikit-learn',
    hyperparameters: {
      n_estimators: { kind: 'int', min: 1, max: 5_000, description: 'number of trees' },
      max_depth: { kind: 'int', min: 1, max: 200, description: 'maximum tree depth' },
      min_samples_leaf: { kind: 'int', min: 1, description: 'minimum samples in a leaf' },
      max_features: {
        kind: 'float',
        min: 0,
        minExclusive: true,
        max: 1,
        description: 'fraction of features per split',
      },
    },
  },
  'hist-gradient-boosting': {
    description: "histogram gradient boosting, scikit-learn's HistGradientBoosting*",
    rounds: 'max_iter',
    hyperparameters: {
      max_iter: { kind: 'int', min: 1, max: 10_000, description: 'boosting iterations' },
      learning_rate: {
        kind: 'float',
        min: 0,
        minExclusive: true,
        max: 1,
        description: 'learning rate',
      },
      max_depth: { kind: 'int', min: 1, max: 200, description: 'maximum tree depth' },
      max_leaf_nodes: { kind: 'int', min: 2, max: 65_536, description: 'maximum leaves per tree' },
      min_samples_leaf: { kind: 'int', min: 1, description: 'minimum samples in a leaf' },
      l2_regularization: { kind: 'float', min: 0, description: 'L2 regularisation' },
      n_iter_no_change: {
        kind: 'int',
        min: 0,
        description:
          'stop after this many iterations without validation improvement (0: never; default 10)',
      },
    },
  },
} as const satisfies Record<string, AlgorithmSpec>;

export type AlgorithmName = keyof typeof ALGORITHMS;
export const ALGORITHM_NAMES = Object.keys(ALGORITHMS) as [AlgorithmName, ...AlgorithmName[]];
