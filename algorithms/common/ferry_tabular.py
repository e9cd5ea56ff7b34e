"""Shared code for Ferry's training and inference scripts.

It follows two SageMaker contracts and nothing else (project logic lives in
TypeScript): script mode for training (SM_* environment, hyperparameters as
`--name value`, metrics printed for a metric-definition regex) and the
inference toolkit's model_fn / input_fn / predict_fn / output_fn for serving.
For SageMaker this file is copied into each algorithm's source_dir; locally
PYTHONPATH includes algorithms/common.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import glob
import io
import json
import os
import sys
from dataclasses import dataclass

import joblib
import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    StandardScaler,
)
from threadpoolctl import ThreadpoolController, threadpool_limits

TASKS = ("binary", "multiclass", "regression")
MODEL_FILE = "model.joblib"
EXIT_BAD_INPUT = 2
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv"

# An empty field is the only missing value. pandas' default NA strings would
# also turn real category levels, such as Ames' "None", into missing values.
CSV_OPTIONS = {"dtype": str, "keep_default_na": False, "na_values": [""]}


class BadInput(ValueError):
    """A problem with the data or arguments that the user can fix (exit code 2)."""


@dataclass(frozen=True)
class Columns:
    """The feature columns in training order, split by kind."""

    features: list[str]
    numeric: list[str]
    categorical: list[str]


# ---------------------------------------------------------------- logging


def progress(stage: str, fraction: float) -> None:
    print(f"[ferry] progress {stage} {round(fraction, 3)}", flush=True)


def print_metric(name: str, value: float) -> None:
    # repr keeps full precision; SageMaker's regex `validation:NAME=([-+0-9.eE]+|nan)` reads it.
    print(f"[ferry] metric validation:{name}={float(value)!r}", flush=True)


# ---------------------------------------------------------------- reading data


def read_channel(channel: str) -> pd.DataFrame:
    """Every *.csv in the folder SageMaker mounted for this channel, as strings."""
    env = f"SM_CHANNEL_{channel.upper()}"
    folder = os.environ.get(env)
    if not folder:
        raise BadInput(f"{env} is not set; point it at the folder holding {channel}.csv")
    if not os.path.isdir(folder):
        raise BadInput(f"{env} ({folder}) is not a folder; point it at the {channel} channel")
    files = sorted(glob.glob(os.path.join(folder, "*.csv")))
    if not files:
        raise BadInput(f"{env} ({folder}) holds no *.csv file; put {channel}.csv there")
    frames = []
    for file in files:
        try:
            frames.append(pd.read_csv(file, **CSV_OPTIONS))
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            raise BadInput(f"{file}: not a readable CSV with a header row ({error})") from None
    for file, frame in zip(files[1:], frames[1:]):
        if set(frame.columns) != set(frames[0].columns):
            raise BadInput(f"{file} has different columns from {files[0]}; give them one header")
    return pd.concat(frames, ignore_index=True)


def split_target(frame: pd.DataFrame, target: str, channel: str) -> tuple[pd.DataFrame, pd.Series]:
    if target not in frame.columns:
        raise BadInput(
            f"target column '{target}' is not in the {channel} data; "
            f"pass --target with one of: {', '.join(map(str, frame.columns))}"
        )
    y = frame[target]
    if y.isna().any():
        raise BadInput(
            f"target column '{target}' has {int(y.isna().sum())} missing values in the "
            f"{channel} data; drop those rows before training"
        )
    return frame.drop(columns=[target]), y


def infer_columns(X: pd.DataFrame) -> Columns:
    """A column is numeric when every non-missing training value parses as a number."""
    features = [str(c) for c in X.columns]
    if not features:
        raise BadInput("the training data has no feature columns besides the target")
    numeric = [c for c in features if pd.to_numeric(X[c].dropna(), errors="coerce").notna().all()]
    categorical = [c for c in features if c not in numeric]
    return Columns(features, numeric, categorical)


def to_features(X: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """The same coercion for training and serving: numeric -> float, the rest -> str or NaN.

    Rows arrive as strings (CSV) or JSON values; doing the same conversion on
    both paths is what lets an endpoint take raw rows.
    """
    return pd.DataFrame(_feature_arrays(X, columns), columns=columns.features)


_as_str = np.frompyfunc(str, 1, 1)  # str() of each element, into an object array


def _feature_arrays(X: pd.DataFrame, columns: Columns) -> dict[str, np.ndarray]:
    """to_features' columns as arrays: float for numeric, str or NaN (objects) for the rest."""
    missing = [c for c in columns.features if c not in X.columns]
    if missing:
        raise BadInput(f"missing feature column(s): {', '.join(missing)}")
    numeric = set(columns.numeric)
    out = {}
    for name in columns.features:
        # Plain numpy on one object copy: pandas' per-column where/replace/map
        # chain cost about 0.3 ms a column, most of a one-row request.
        col = X[name].to_numpy(dtype=object, copy=True)
        col[pd.isna(col)] = np.nan  # None, pd.NA, ... (before ==, which pd.NA cannot answer)
        col[col == ""] = np.nan
        present = ~pd.isna(col)
        if name in numeric:
            values = pd.to_numeric(col, errors="coerce").astype(float)
            bad = np.isnan(values) & present
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise BadInput(
                    f"column '{name}' is numeric but row {row + 1} has {col[row]!r}; "
                    "send a number or leave it empty"
                )
            out[name] = values
        else:
            col[present] = _as_str(col[present])
            out[name] = col
    return out


# ---------------------------------------------------------------- labels


def class_order(y: pd.Series, task: str, target: str, positive_class: str | None) -> list[str]:
    """Sorted labels as strings; for binary the positive class is classes[1]."""
    classes = sorted(y.astype(str).unique())
    if len(classes) < 2:
        raise BadInput(
            f"target column '{target}' has one class only ({classes[0]}); need two or more"
        )
    if task == "binary":
        if len(classes) != 2:
            raise BadInput(
                f"--task binary needs 2 classes but target column '{target}' has {len(classes)} "
                f"({', '.join(classes[:10])}); use --task multiclass"
            )
        if positive_class is not None:
            if positive_class not in classes:
                raise BadInput(
                    f"--positive_class '{positive_class}' is not a value of target column "
                    f"'{target}'; use one of: {', '.join(classes)}"
                )
            classes = [c for c in classes if c != positive_class] + [positive_class]
    return classes


def encode_labels(y: pd.Series, classes: list[str], channel: str) -> np.ndarray:
    index = {label: i for i, label in enumerate(classes)}
    labels = y.astype(str)
    unknown = sorted(set(labels) - set(index))
    if unknown:
        raise BadInput(
            f"the {channel} data has label(s) {', '.join(unknown[:10])} that the training data "
            "lacks; split the data so every class is in train"
        )
    return labels.map(index).to_numpy(dtype=int)


def regression_target(y: pd.Series, target: str, channel: str) -> np.ndarray:
    values = pd.to_numeric(y, errors="coerce")
    if values.isna().any():
        bad = y[values.isna()].iloc[0]
        raise BadInput(
            f"target column '{target}' has a non-numeric value {bad!r} in the {channel} data; "
            "use --task binary or multiclass for class labels"
        )
    return values.to_numpy(dtype=float)


# ---------------------------------------------------------------- preprocessing


def one_hot() -> OneHotEncoder:
    # Dense output: XGBoost reads the zeros a sparse matrix leaves out as
    # *missing*, which would change what a numeric 0 means. NaN is its own level.
    return OneHotEncoder(handle_unknown="ignore", sparse_output=False)


def one_hot_preprocessing(columns: Columns, impute: bool, scale: bool) -> ColumnTransformer:
    """Numeric columns (median-imputed, optionally scaled) + one-hot categoricals."""
    numeric_steps = []
    if impute:
        numeric_steps.append(("impute", SimpleImputer(strategy="median")))
    if scale:
        numeric_steps.append(("scale", StandardScaler()))
    numeric = Pipeline(numeric_steps) if numeric_steps else "passthrough"
    return _column_transformer(
        [("numeric", numeric, columns.numeric), ("categorical", one_hot(), columns.categorical)]
    )


def ordinal_preprocessing(columns: Columns) -> tuple[ColumnTransformer, list[bool]]:
    """Numeric columns as they are (NaN kept) + ordinal-coded categoricals.

    Returns the transformer and the categorical mask of its output, for a model
    with native categorical support. Unknown and missing levels become NaN;
    rare levels beyond 255 are pooled because histogram models bin at most 255.
    """
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=np.nan,
        encoded_missing_value=np.nan,
        max_categories=255,
    )
    transformer = _column_transformer(
        [("numeric", "passthrough", columns.numeric), ("categorical", encoder, columns.categorical)]
    )
    return transformer, [False] * len(columns.numeric) + [True] * len(columns.categorical)


def _column_transformer(parts: list) -> ColumnTransformer:
    return ColumnTransformer([p for p in parts if p[2]], remainder="drop", sparse_threshold=0)


# ---------------------------------------------------------------- training


def parse_args(add_hyperparameters, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train one candidate (SageMaker script mode).")
    parser.add_argument("--target", required=True, help="the column to predict")
    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument(
        "--positive_class", help="binary only; default: the second of the sorted labels"
    )
    parser.add_argument("--seed", type=int, default=0, help="random_state for everything")
    add_hyperparameters(parser)
    return parser.parse_args(argv)


def given(**params) -> dict:
    """The hyperparameters that were passed; the rest keep the library's defaults."""
    return {k: v for k, v in params.items() if v is not None}


def num_cpus() -> int:
    value = os.environ.get("SM_NUM_CPUS")
    if not value:
        return os.cpu_count() or 1
    try:
        return max(1, int(value))
    except ValueError:
        raise BadInput(f"SM_NUM_CPUS ({value!r}) is not a whole number") from None


def run_training(add_hyperparameters, build_model, after_fit=None, fit_early_stopping=None) -> None:
    """The script-mode entry point shared by every train.py.

    build_model(args, task, columns, n_cpus) returns an unfitted Pipeline that
    takes the raw feature frame; after_fit(pipeline), if given, runs before it
    is saved. fit_early_stopping(pipeline, X, y, X_valid, y_valid), if given,
    fits with early stopping on the validation channel and returns the rounds
    it kept; without a validation channel (a refit on train + validation)
    the pipeline is fitted plainly, with the rounds it was given. Bad input
    exits 2 with one line on stderr; anything unexpected raises, so Python
    prints the traceback and exits 1.
    """
    args = parse_args(add_hyperparameters)
    try:
        _train(args, build_model, after_fit, fit_early_stopping)
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        sys.exit(EXIT_BAD_INPUT)


def _train(args: argparse.Namespace, build_model, after_fit, fit_early_stopping) -> None:
    task, target = args.task, args.target
    if args.positive_class is not None and task != "binary":
        raise BadInput("--positive_class applies to --task binary only; drop it")
    model_dir = os.environ.get("SM_MODEL_DIR")
    if not model_dir:
        raise BadInput("SM_MODEL_DIR is not set; point it at the folder to write the model to")
    n_cpus = num_cpus()

    progress("loading", 0.05)
    X_train, y_train = split_target(read_channel("train"), target, "train")
    has_validation = has_validation_channel()
    if has_validation:
        X_valid, y_valid = split_target(read_channel("validation"), target, "validation")
    columns = infer_columns(X_train)
    X_train = to_features(X_train, columns)
    classes = None
    if task == "regression":
        y_fit = regression_target(y_train, target, "train")
    else:
        classes = class_order(y_train, task, target, args.positive_class)
        y_fit = encode_labels(y_train, classes, "train")
    if has_validation:
        X_valid = to_features(X_valid, columns)
        if task == "regression":
            y_true = regression_target(y_valid, target, "validation")
        else:
            y_true = encode_labels(y_valid, classes, "validation")

    progress("fitting", 0.2)
    pipeline = build_model(args, task, columns, n_cpus)
    scores = {}
    # Explicit limits: OpenMP reads OMP_NUM_THREADS once per process, which a
    # job forked from the warm runner has already passed.
    with threadpool_limits(limits=n_cpus):
        if has_validation and fit_early_stopping:
            rounds = fit_early_stopping(pipeline, X_train, y_fit, X_valid, y_true)
            print(f"[ferry] metric train:fitted_rounds={int(rounds)}", flush=True)
        else:
            pipeline.fit(X_train, y_fit)
        if after_fit:
            after_fit(pipeline)
        if has_validation:
            progress("evaluating", 0.9)
            scores = evaluate(pipeline, task, X_valid, y_true, classes)
    for name, value in scores.items():
        print_metric(name, value)

    progress("saving", 0.95)
    os.makedirs(model_dir, exist_ok=True)
    model = {
        "pipeline": pipeline,
        "task": task,
        "target": target,
        "classes": classes,
        "features": columns.features,
        "numeric": columns.numeric,
        "categorical": columns.categorical,
    }
    joblib.dump(model, os.path.join(model_dir, MODEL_FILE))
    output_dir = os.environ.get("SM_OUTPUT_DATA_DIR")
    if output_dir:
        os.makedirs(output_dir, exist_ok=True)
        with open(os.path.join(output_dir, "metrics.json"), "w") as file:
            json.dump({"validation": scores}, file, indent=2)
    progress("done", 1.0)


def has_validation_channel() -> bool:
    """False for a refit on train + validation, which has no validation channel."""
    return bool(os.environ.get("SM_CHANNEL_VALIDATION"))


def fit_prepared(pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, X_valid: pd.DataFrame):
    """Fits the pipeline's preprocessing on X; returns X and X_valid as its model sees them.

    Early stopping scores the validation rows inside the model's own fit, so
    they must go through the same fitted preprocessing first.
    """
    prepare = pipeline.steps[0][1]
    return prepare.fit_transform(X, y), prepare.transform(X_valid)


def evaluate(pipeline, task: str, X: pd.DataFrame, y_true: np.ndarray, classes: list | None):
    if task == "regression":
        predicted = pipeline.predict(X).astype(float)
        return {
            "rmse": metrics.root_mean_squared_error(y_true, predicted),
            "mae": metrics.mean_absolute_error(y_true, predicted),
            "r2": metrics.r2_score(y_true, predicted),
        }
    labels = list(range(len(classes)))
    proba = probabilities(pipeline, X)
    predicted = proba.argmax(axis=1)
    accuracy = metrics.accuracy_score(y_true, predicted)
    log_loss = metrics.log_loss(y_true, proba, labels=labels)
    if task == "binary":
        # ROC AUC is undefined when the validation set holds one class only.
        both = len(np.unique(y_true)) == 2
        roc_auc = metrics.roc_auc_score(y_true, proba[:, 1]) if both else float("nan")
        return {"roc_auc": roc_auc, "log_loss": log_loss, "accuracy": accuracy}
    f1_macro = metrics.f1_score(y_true, predicted, labels=labels, average="macro", zero_division=0)
    return {"accuracy": accuracy, "log_loss": log_loss, "f1_macro": f1_macro}


def probabilities(pipeline, X: pd.DataFrame) -> np.ndarray:
    # XGBoost returns float32; renormalising in float64 makes each row sum to 1.
    proba = np.asarray(pipeline.predict_proba(X), dtype=np.float64)
    return proba / proba.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- ensembles


class WeightedEnsemble:
    """A weighted average of fitted member pipelines, served like one pipeline.

    Ensemble selection (src/evaluation/ensemble-selection.ts) chooses the
    weights; algorithms/ensemble/build.py saves this as a model.joblib's
    `pipeline`, so batch predictions, the local host and SageMaker's container
    load and serve it through the same inference functions as any model.
    Classification averages the members' (renormalised) probabilities,
    regression their predictions. It lives here, not in the ensemble's
    folder, because unpickling needs it importable wherever the model is
    served, and this module is beside every inference script.
    """

    def __init__(self, members: list, weights: list[float], task: str):
        if len(members) != len(weights) or not members:
            raise BadInput("an ensemble needs one weight per member and at least one member")
        total = float(sum(weights))
        if not all(w > 0 for w in weights) or abs(total - 1.0) > 1e-9:
            raise BadInput(f"ensemble weights must be positive and sum to 1 (they sum to {total})")
        self.members = list(members)
        self.weights = [float(w) for w in weights]
        self.task = task

    def predict_proba(self, X) -> np.ndarray:
        if self.task == "regression":
            raise AttributeError("a regression ensemble has no predict_proba")
        total = None
        for member, weight in zip(self.members, self.weights):
            part = weight * probabilities(member, X)
            total = part if total is None else total + part
        return total

    def predict(self, X) -> np.ndarray:
        if self.task != "regression":
            return self.predict_proba(X).argmax(axis=1)
        total = None
        for member, weight in zip(self.members, self.weights):
            part = weight * np.asarray(member.predict(X), dtype=np.float64)
            total = part if total is None else total + part
        return total


def _final_estimators(pipeline) -> list:
    """The estimators that predict: a pipeline's last step, or each ensemble member's."""
    if isinstance(pipeline, WeightedEnsemble):
        return [member.steps[-1][1] for member in pipeline.members]
    return [pipeline.steps[-1][1]]


# ---------------------------------------------------------------- serving


def model_fn(model_dir: str) -> dict:
    model = joblib.load(os.path.join(model_dir, MODEL_FILE))
    # A request is a few rows, where a thread pool costs more than it saves:
    # one row on 2 busy CPUs took 22 ms with random forest's joblib threads
    # (4 ms without) and 15 ms with HistGradientBoosting's OpenMP threads
    # (3 ms without); on whole test sets the forest got faster and HGB a few
    # ms slower. Rows are predicted the same way (a forest now sums its trees
    # in order, not as threads finish).
    # Set here, not in training, so metrics and saved models do not change.
    for estimator in _final_estimators(model["pipeline"]):
        if "n_jobs" in estimator.get_params(deep=False):
            estimator.set_params(n_jobs=1)
    # predict_fn's OpenMP limit binds the calling thread only, so concurrent
    # requests do not race; BLAS (process-wide) is left alone.
    model[THREADS] = ThreadpoolController().select(user_api="openmp")
    model[FAST_PREPARE] = _fast_prepare(model)
    return model


def input_fn(request_body, request_content_type: str) -> pd.DataFrame:
    """Parse a request into a frame; predict_fn matches it to the model's features.

    The toolkit does not pass the model here, so a CSV frame keeps positional
    columns and predict_fn decides whether its first row is a header.
    """
    media_type = _media_type(request_content_type)
    if isinstance(request_body, (bytes, bytearray)):
        request_body = request_body.decode("utf-8-sig")
    text = request_body.lstrip("\ufeff")
    if media_type == CSV_TYPE:
        return _parse_csv(text)
    if media_type == JSON_TYPE:
        return _parse_json(text)
    raise ValueError(
        f"unsupported content type '{request_content_type}'; send {CSV_TYPE} or {JSON_TYPE}"
    )


def predict_fn(input_data: pd.DataFrame, model: dict) -> dict:
    columns = Columns(model["features"], model["numeric"], model["categorical"])
    features = _feature_arrays(_align(input_data, model), columns)
    prepare = model.get(FAST_PREPARE)
    X = prepare(features) if prepare else None
    if X is None:  # the whole pipeline, on to_features' frame
        predictor, X = model["pipeline"], pd.DataFrame(features, columns=columns.features)
    else:  # the pipeline's model, on the rows its ColumnTransformer would have made
        predictor = model["pipeline"].steps[-1][1]
    threads = model.get(THREADS)
    with threads.limit(limits=1) if threads else contextlib.nullcontext():
        if model["task"] == "regression":
            predicted = predictor.predict(X) if len(X) else np.empty(0)
            return {"predictions": [float(v) for v in predicted]}
        classes = model["classes"]
        proba = probabilities(predictor, X) if len(X) else np.empty((0, len(classes)))
    return {
        "classes": list(classes),
        "probabilities": proba.tolist(),
        "labels": [classes[i] for i in proba.argmax(axis=1)],
    }


def output_fn(prediction: dict, accept: str | None = JSON_TYPE) -> str:
    media_type = _accepted_type(accept)
    if media_type == JSON_TYPE:
        return json.dumps(prediction)
    rows = prediction.get("probabilities")
    if rows is None:
        return "".join(f"{value!r}\n" for value in prediction["predictions"])
    return "".join(",".join(repr(p) for p in row) + "\n" for row in rows)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _accepted_type(accept: str | None) -> str:
    if not accept:
        return JSON_TYPE
    for part in accept.split(","):
        media_type = _media_type(part)
        if media_type in (JSON_TYPE, CSV_TYPE):
            return media_type
        if media_type in ("*/*", "application/*"):
            return JSON_TYPE
    raise ValueError(f"unsupported accept type '{accept}'; ask for {JSON_TYPE} or {CSV_TYPE}")


def _parse_csv(text: str) -> pd.DataFrame:
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if not rows:
        raise ValueError("the CSV body has no rows")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise ValueError(f"CSV row {number} has {len(row)} fields but row 1 has {len(rows[0])}")
    return pd.DataFrame(rows, dtype=object)


def _parse_json(text: str) -> pd.DataFrame:
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"the JSON body does not parse: {error}") from None
    if isinstance(body, dict) and "instances" in body:
        body = body["instances"]
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list) or not all(isinstance(r, (dict, list)) for r in body):
        raise ValueError(
            'send {"instances": [{column: value, ...}, ...]}, a list of such objects, or one object'
        )
    if body and all(isinstance(r, list) for r in body):
        return pd.DataFrame(body, dtype=object)  # positional rows, in training feature order
    if not all(isinstance(r, dict) for r in body):
        raise ValueError("mix of objects and lists in instances; send objects keyed by column")
    # No astype(object): to_features takes each column as objects anyway, and
    # converting every column here cost ~0.3 ms a request.
    return pd.DataFrame.from_records(body) if body else pd.DataFrame()


def _align(frame: pd.DataFrame, model: dict) -> pd.DataFrame:
    """Name the columns of a request frame after the model's features."""
    features, target = model["features"], model["target"]
    if isinstance(frame.columns, pd.RangeIndex) and len(frame.columns):
        first = [str(v).strip() for v in frame.iloc[0]]
        names = set(first) - {target}
        known = set(features) | {target}
        if names == set(features) and len(first) == len(set(first)):
            frame = frame.iloc[1:].set_axis(first, axis=1)  # a header row, any order
        elif 2 * len(set(first) & known) >= len(first):
            # Mostly column names: a header that does not match, not a data row.
            missing = sorted(set(features) - names)
            unknown = sorted(set(first) - known)
            repeated = sorted({name for name in first if first.count(name) > 1})
            raise ValueError(
                "the CSV header does not match the model's features; "
                f"missing: {', '.join(missing) or '-'}; unknown: {', '.join(unknown) or '-'}; "
                f"repeated: {', '.join(repeated) or '-'}"
            )
        elif len(first) != len(features):
            raise ValueError(
                f"rows have {len(first)} fields but the model takes {len(features)} features "
                f"in this order: {', '.join(features)}; or send a header row naming them"
            )
        else:
            return frame.set_axis(features, axis=1).reset_index(drop=True)
    unknown = sorted(str(c) for c in frame.columns if c not in features and c != target)
    if unknown:
        raise ValueError(
            f"unknown column(s) {', '.join(unknown)}; "
            f"the model's features are {', '.join(features)}"
        )
    # Absent columns are missing values.
    return frame.reindex(columns=features).reset_index(drop=True)


# ---------------------------------------------------------------- fast preparation for serving

# Keys model_fn adds to the model: _fast_prepare's function (or None), and a
# ThreadpoolController.
FAST_PREPARE = "fast_prepare"
THREADS = "threads"


def _fast_prepare(model: dict):
    """A numpy stand-in for the fitted ColumnTransformer, or None to keep scikit-learn's.

    For a request of a few rows the ColumnTransformer spends ~4 ms on per-column
    pandas indexing and validation around a few microseconds of arithmetic.
    This does the same arithmetic on to_features' arrays. It covers only the
    parts Ferry builds (one_hot_preprocessing, ordinal_preprocessing) and is
    used only if it matches scikit-learn bit for bit on probe rows, so any
    other model, or another scikit-learn, falls back to the pipeline.
    """
    columns = Columns(model["features"], model["numeric"], model["categorical"])
    if not isinstance(model["pipeline"], Pipeline):
        return None  # an ensemble: each member prepares its own rows
    steps = model["pipeline"].steps
    prepare = steps[0][1]
    if len(steps) != 2 or not isinstance(prepare, ColumnTransformer):
        return None
    parts, levels = [], {}
    for name, transformer, names in prepare.transformers_:
        if name == "remainder" and isinstance(transformer, str) and transformer == "drop":
            continue
        part = _fast_part(transformer)
        if part is None or not all(isinstance(c, str) and c in columns.features for c in names):
            return None
        parts.append((list(names), part))
        levels.update(zip(names, getattr(transformer, "categories_", [])))

    def run(features: dict) -> np.ndarray | None:
        blocks = []
        for names, part in parts:
            block = np.column_stack([features[c] for c in names])
            if block.dtype == float and np.isinf(block).any():
                return None  # scikit-learn's error (linear, random forest) or its handling
            blocks.append(part(block))
        return np.hstack(blocks)

    probe = _probe_rows(columns, levels)
    try:
        expected = prepare.transform(pd.DataFrame(probe, columns=columns.features))
        got = run(probe)
    except Exception:  # noqa: BLE001 - anything unexpected means: keep the pipeline
        return None
    same = (
        isinstance(expected, np.ndarray)
        and isinstance(got, np.ndarray)
        and expected.shape == got.shape
        and expected.dtype == got.dtype
        and expected.tobytes() == got.tobytes()
    )
    return run if same else None


def _fast_part(transformer):
    """A function of a 2-D block of columns doing what the fitted transformer does, or None."""
    if isinstance(transformer, str):
        return (lambda X: X) if transformer == "passthrough" else None
    if isinstance(transformer, FunctionTransformer):  # how a fitted "passthrough" looks
        identity = transformer.func is None and not transformer.validate
        return (lambda X: X) if identity else None
    if isinstance(transformer, Pipeline):
        steps = [_fast_part(step) for _, step in transformer.steps]
        if any(step is None for step in steps):
            return None

        def chain(X):
            for step in steps:
                X = step(X)
            return X

        return chain
    if isinstance(transformer, SimpleImputer):
        if transformer.strategy != "median" or transformer.add_indicator:
            return None
        if transformer.keep_empty_features or not _is_nan(transformer.missing_values):
            return None
        # Like scikit-learn, drop columns that had no value in training.
        keep = ~np.isnan(transformer.statistics_)
        fill = transformer.statistics_[keep]
        return lambda X: np.where(np.isnan(X[:, keep]), fill, X[:, keep])
    if isinstance(transformer, StandardScaler):
        mean = transformer.mean_ if transformer.with_mean else None
        scale = transformer.scale_ if transformer.with_std else None

        def standardise(X):
            if mean is not None:
                X = X - mean
            if scale is not None:
                X = X / scale
            return X

        return standardise
    if isinstance(transformer, OneHotEncoder):
        plain = transformer.drop is None and not transformer.sparse_output
        plain = plain and transformer.max_categories is None and transformer.min_frequency is None
        if transformer.handle_unknown != "ignore" or not plain:
            return None
        return _fast_encoder(transformer.categories_, one_hot=True)
    if isinstance(transformer, OrdinalEncoder):
        infrequent = getattr(transformer, "infrequent_categories_", None) or []
        if transformer.handle_unknown != "use_encoded_value" or any(
            c is not None for c in infrequent
        ):
            return None
        if not (_is_nan(transformer.unknown_value) and _is_nan(transformer.encoded_missing_value)):
            return None
        return _fast_encoder(transformer.categories_, one_hot=False)
    return None


def _fast_encoder(categories: list, one_hot: bool):
    """One-hot columns, or ordinal codes with NaN for missing and unknown levels.

    Levels are matched by dict lookup, as scikit-learn matches object columns.
    For one-hot, a missing value (NaN) is the NaN level, last when training had one.
    """
    if not all(isinstance(c, str) or _is_nan(c) for levels in categories for c in levels):
        return None
    codes = [{c: i for i, c in enumerate(levels) if isinstance(c, str)} for levels in categories]
    nan_codes = [len(lv) - 1 if one_hot and _is_nan(lv[-1]) else -1 for lv in categories]
    offsets = np.cumsum([0] + [len(levels) for levels in categories])

    def encode(X):
        n = len(X)
        out = np.zeros((n, offsets[-1])) if one_hot else np.full((n, len(codes)), np.nan)
        for j, (code, nan_code) in enumerate(zip(codes, nan_codes)):
            found = np.fromiter(
                (code.get(v, -1) if isinstance(v, str) else nan_code for v in X[:, j]),
                dtype=np.intp,
                count=n,
            )
            rows = np.flatnonzero(found >= 0)
            if one_hot:
                out[rows, offsets[j] + found[rows]] = 1.0
            else:
                out[rows, j] = found[rows]
        return out

    return encode


def _probe_rows(columns: Columns, levels: dict) -> dict:
    """to_features-like arrays that visit every known level, a missing and an unknown one."""
    values = {c: [np.nan, 0.0, 1.5, -2.5e6, 7.0] for c in columns.numeric}
    for c in columns.categorical:
        values[c] = [v for v in levels.get(c, []) if isinstance(v, str)] + [np.nan, "\0unseen"]
    n = max(len(v) for v in values.values())
    probe = {}
    for j, c in enumerate(columns.features):
        dtype = float if c in columns.numeric else object
        probe[c] = np.array([values[c][(i + j) % len(values[c])] for i in range(n)], dtype=dtype)
    return probe


def _is_nan(value) -> bool:
    return isinstance(value, float) and value != value
