"""Train a linear candidate (SageMaker script mode; see algorithms/README.md).

Logistic regression for binary and multiclass, ridge regression for
regression. Omitted hyperparameters keep scikit-learn's defaults.
"""

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline

import ferry_tabular as ft


def add_hyperparameters(parser):
    parser.add_argument("--C", type=float, help="inverse regularisation (binary, multiclass)")
    parser.add_argument("--alpha", type=float, help="L2 regularisation strength (regression)")
    parser.add_argument("--max_iter", type=int, help="solver iterations")


def build_model(args, task, columns, n_cpus):
    # n_cpus is applied through threadpool limits: the solvers' parallelism is BLAS.
    if task == "regression":
        if args.C is not None:
            raise ft.BadInput(
                "--C applies to binary and multiclass (logistic regression); "
                "use --alpha for regression"
            )
        params = ft.given(alpha=args.alpha, max_iter=args.max_iter)
        model = Ridge(**params, random_state=args.seed)
    else:
        if args.alpha is not None:
            raise ft.BadInput(
                "--alpha applies to regression (ridge); use --C for binary and multiclass"
            )
        params = ft.given(C=args.C, max_iter=args.max_iter)
        model = LogisticRegression(**params, random_state=args.seed)
    prepare = ft.one_hot_preprocessing(columns, impute=True, scale=True)
    return Pipeline([("prepare", prepare), ("model", model)])


if __name__ == "__main__":
    ft.run_training(add_hyperparameters, build_model)
