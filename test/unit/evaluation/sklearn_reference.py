"""scikit-learn's values for the cases of metrics-vs-sklearn.test.ts.

Reads a JSON list of cases from the file named by argv[1] and prints one
JSON object per case, {metric: value}, in the same order. Each metric is
sklearn's own function called the plain way a user would call it, so the
TypeScript implementation is checked against sklearn, not against a copy of
its own arithmetic. Non-finite values are printed as strings ("NaN"),
because JSON has no NaN.
"""

import json
import math
import sys
import warnings

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    log_loss,
    matthews_corrcoef,
    mean_absolute_error,
    mean_absolute_percentage_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)


def binary(case):
    y = np.asarray(case["yTrue"], dtype=int)
    p = np.asarray(case["scores"], dtype=float)
    y_pred = (p >= 0.5).astype(int)
    return {
        "roc_auc": roc_auc_score(y, p),
        "pr_auc": average_precision_score(y, p),
        # labels=[0, 1] only matters when y holds one class; Ferry always
        # scores both classes.
        "log_loss": log_loss(y, np.column_stack([1 - p, p]), labels=[0, 1]),
        "accuracy": accuracy_score(y, y_pred),
        "precision": precision_score(y, y_pred),
        "recall": recall_score(y, y_pred),
        "f1": f1_score(y, y_pred),
        "mcc": matthews_corrcoef(y, y_pred),
    }


def multiclass(case):
    y = np.asarray(case["yTrue"], dtype=int)
    proba = np.asarray(case["probabilities"], dtype=float)
    y_pred = np.argmax(proba, axis=1)
    return {
        "accuracy": accuracy_score(y, y_pred),
        # sklearn's default labels: those present in y or y_pred.
        "f1_macro": f1_score(y, y_pred, average="macro"),
        "f1_weighted": f1_score(y, y_pred, average="weighted"),
        "log_loss": log_loss(y, proba, labels=list(range(case["classCount"]))),
        "mcc": matthews_corrcoef(y, y_pred),
    }


def regression(case):
    y = np.asarray(case["yTrue"], dtype=float)
    y_pred = np.asarray(case["yPred"], dtype=float)
    return {
        "rmse": root_mean_squared_error(y, y_pred),
        "mae": mean_absolute_error(y, y_pred),
        "r2": r2_score(y, y_pred),
        "mape": mean_absolute_percentage_error(y, y_pred),
    }


TASKS = {"binary": binary, "multiclass": multiclass, "regression": regression}


def encode(value):
    value = float(value)
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)
    # Undefined-metric warnings are expected for the edge cases.
    warnings.simplefilter("ignore")
    results = [
        {name: encode(value) for name, value in TASKS[case["task"]](case).items()}
        for case in cases
    ]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
