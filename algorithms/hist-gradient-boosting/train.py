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
    parser.add_argument(
        "--n_iter_no_change",
        type=int,
        default=N_ITER_NO_CHANGE,
        help="stop when the validation loss has not improved for this many iterations (0: never)",
    )


# scikit-learn's own patience, on Ferry's validation channel; max_iter stays the cap.
N_ITER_NO_CHANGE = 10


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
    # Early stopping scores Ferry's validation channel (fit_early_stopping), never a
    # split scikit-learn carves itself (its "auto" does above 10,000 rows). A refit
    # has no validation channel and runs max_iter iterations.
    stops_early = bool(args.n_iter_no_change) and ft.has_validation_channel()
    model = estimator(
        **params,
        categorical_features=is_categorical if any(is_categorical) else None,
        early_stopping=stops_early,
        n_iter_no_change=args.n_iter_no_change or 10,
        random_state=args.seed,
    )
    return Pipeline([("prepare", prepare), ("model", model)])


def fit_early_stopping(pipeline, X, y, X_valid, y_valid):
    """Iterates until the validation loss stops improving; returns the iterations kept."""
    model = pipeline.named_steps["model"]
    if not model.early_stopping:
        pipeline.fit(X, y)
        return model.n_iter_
    X_fit, X_eval = ft.fit_prepared(pipeline, X, y, X_valid)
    model.fit(X_fit, y, X_val=X_eval, y_val=y_valid)
    return model.n_iter_


if __name__ == "__main__":
    ft.run_training(add_hyperparameters, build_model, fit_early_stopping=fit_early_stopping)
