"""Train a random-forest candidate (SageMaker script mode; see algorithms/README.md).

Omitted hyperparameters keep scikit-learn's defaults.
"""

from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.pipeline import Pipeline

import ferry_tabular as ft


def add_hyperparameters(parser):
    parser.add_argument("--n_estimators", type=int, help="number of trees")
    parser.add_argument("--max_depth", type=int)
    parser.add_argument("--min_samples_leaf", type=int)
    parser.add_argument("--max_features", type=float, help="fraction of features per split")


def build_model(args, task, columns, n_cpus):
    params = ft.given(
        n_estimators=args.n_estimators,
        max_depth=args.max_depth,
        min_samples_leaf=args.min_samples_leaf,
        max_features=args.max_features,
    )
    estimator = RandomForestRegressor if task == "regression" else RandomForestClassifier
    model = estimator(**params, n_jobs=n_cpus, random_state=args.seed)
    prepare = ft.one_hot_preprocessing(columns, impute=True, scale=False)
    return Pipeline([("prepare", prepare), ("model", model)])


if __name__ == "__main__":
    ft.run_training(add_hyperparameters, build_model)
