"""Train a histogram-gradient-boosting candidate (SageMaker script mode; see README.md).

Omitted hyperparameters keep scikit-learn's defaults.
"""

from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline

import ferry_tabular as ft


def add_hyperparameters(parser):
    parser.add_argument("--max_iter", type=int, help="boosting iterations")
    parser.add_argument("--learning_rate", type=float)
    parser.add_argument("--max_depth", type=int)
    parser.add_argument("--max_leaf_nodes", type=int)
    parser.add_argument("--min_samples_leaf", type=int)
    parser.add_argument("--l2_regularization", type=float)


def build_model(args, task, columns, n_cpus):
    params = ft.given(
        max_iter=args.max_iter,
        learning_rate=args.learning_rate,
        max_depth=args.max_depth,
        max_leaf_nodes=args.max_leaf_nodes,
        min_samples_leaf=args.min_samples_leaf,
        l2_regularization=args.l2_regularization,
    )
    # Categoricals are ordinal-coded and split natively; NaN stays missing.
    prepare, is_categorical = ft.ordinal_preprocessing(columns)
    if task == "regression":
        estimator = HistGradientBoostingRegressor
    else:
        estimator = HistGradientBoostingClassifier
    model = estimator(
        **params,
        categorical_features=is_categorical if any(is_categorical) else None,
        # scikit-learn turns early stopping on above 10,000 rows, carving its own
        # validation split; off, max_iter means what it says at every size.
        early_stopping=False,
        random_state=args.seed,
    )
    return Pipeline([("prepare", prepare), ("model", model)])


if __name__ == "__main__":
    ft.run_training(add_hyperparameters, build_model)
