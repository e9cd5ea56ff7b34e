"""Train an XGBoost candidate (SageMaker script mode; see algorithms/README.md).

Hyperparameters use SageMaker's XGBoost names; omitted ones keep XGBoost's
defaults, which are also SageMaker's.
"""

import xgboost
from sklearn.pipeline import Pipeline

import ferry_tabular as ft


def add_hyperparameters(parser):
    parser.add_argument("--num_round", type=int, help="boosting rounds (n_estimators)")
    parser.add_argument("--max_depth", type=int)
    parser.add_argument("--eta", type=float, help="learning rate")
    parser.add_argument("--subsample", type=float)
    parser.add_argument("--colsample_bytree", type=float)
    parser.add_argument("--min_child_weight", type=float)
    parser.add_argument("--gamma", type=float)
    parser.add_argument("--alpha", type=float, help="L1 regularisation")
    parser.add_argument(
        "--lambda", dest="lambda_", metavar="LAMBDA", type=float, help="L2 regularisation"
    )
    parser.add_argument(
        "--early_stopping_rounds",
        type=int,
        default=EARLY_STOPPING_ROUNDS,
        help="stop when the validation loss has not improved for this many rounds (0: never)",
    )


# Patience when a validation channel is given; num_round stays the cap.
EARLY_STOPPING_ROUNDS = 20


class FitProgress(xgboost.callback.TrainingCallback):
    """Reports fitting progress about ten times, between 0.2 and 0.9."""

    def __init__(self, rounds):
        self.rounds = rounds
        self.every = max(1, rounds // 10)

    def after_iteration(self, model, epoch, evals_log):
        done = epoch + 1
        if done % self.every == 0 and done < self.rounds:
            ft.progress("fitting", 0.2 + 0.7 * done / self.rounds)
        return False  # early stopping is XGBoost's own (early_stopping_rounds)


def build_model(args, task, columns, n_cpus):
    params = ft.given(
        n_estimators=args.num_round,
        max_depth=args.max_depth,
        learning_rate=args.eta,
        subsample=args.subsample,
        colsample_bytree=args.colsample_bytree,
        min_child_weight=args.min_child_weight,
        gamma=args.gamma,
        reg_alpha=args.alpha,
        reg_lambda=args.lambda_,
    )
    estimator = xgboost.XGBRegressor if task == "regression" else xgboost.XGBClassifier
    # Early stopping needs validation rows; a refit has none and boosts num_round rounds.
    patience = (args.early_stopping_rounds or None) if ft.has_validation_channel() else None
    model = estimator(
        **params,
        early_stopping_rounds=patience,
        tree_method="hist",
        n_jobs=n_cpus,
        random_state=args.seed,
        callbacks=[FitProgress(params.get("n_estimators", 100))],
    )
    # XGBoost handles NaN itself, so numeric columns are not imputed.
    prepare = ft.one_hot_preprocessing(columns, impute=False, scale=False)
    return Pipeline([("prepare", prepare), ("model", model)])


def fit_early_stopping(pipeline, X, y, X_valid, y_valid):
    """Boosts until the validation loss stops improving; returns the rounds kept."""
    model = pipeline.named_steps["model"]
    if model.get_params()["early_stopping_rounds"] is None:
        pipeline.fit(X, y)
        return model.get_booster().num_boosted_rounds()
    X_fit, X_eval = ft.fit_prepared(pipeline, X, y, X_valid)
    model.fit(X_fit, y, eval_set=[(X_eval, y_valid)], verbose=False)
    # best_iteration counts from 0; predictions use the rounds up to it.
    return model.best_iteration + 1


def drop_callbacks(pipeline):
    # The callback's class lives in this script (`__main__` when run), which
    # a serving process cannot import, so it must not be pickled with the model.
    pipeline.named_steps["model"].set_params(callbacks=None)


if __name__ == "__main__":
    ft.run_training(
        add_hyperparameters,
        build_model,
        after_fit=drop_callbacks,
        fit_early_stopping=fit_early_stopping,
    )
