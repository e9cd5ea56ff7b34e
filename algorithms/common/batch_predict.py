"""Predict a whole CSV with an algorithm's inference functions (evaluation).

The local stand-in for a SageMaker batch transform: the same inference.py,
called the same way the inference toolkit calls it, on the test set.

    python batch_predict.py --algorithm-dir algorithms/xgboost --model-dir MODEL \\
        --input test.csv --output predictions.json

Exit codes: 0 done, 2 bad input (one line on stderr), 1 unexpected.
"""

import argparse
import importlib.util
import os
import sys

import ferry_tabular as ft


def load_inference(algorithm_dir: str):
    path = os.path.join(os.path.abspath(algorithm_dir), "inference.py")
    if not os.path.isfile(path):
        raise ft.BadInput(f"{path} does not exist; --algorithm-dir must be an algorithm's folder")
    # As in SageMaker, the algorithm's folder (its source_dir) comes first on the path.
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location("inference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithm-dir", required=True)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--input", required=True, help="CSV with a header row (target ignored)")
    parser.add_argument("--output", required=True, help="where to write the predictions JSON")
    args = parser.parse_args()

    try:
        ft.progress("loading", 0.05)
        inference = load_inference(args.algorithm_dir)
        model = inference.model_fn(args.model_dir)
        with open(args.input, "rb") as file:
            body = file.read()
        ft.progress("predicting", 0.3)
        rows = inference.input_fn(body, ft.CSV_TYPE)
        prediction = inference.predict_fn(rows, model)
        ft.progress("writing", 0.9)
        result = inference.output_fn(prediction, ft.JSON_TYPE)
    except (ValueError, FileNotFoundError) as error:
        # ValueError is what the inference functions raise for a request they cannot take.
        print(f"error: {error}", file=sys.stderr, flush=True)
        sys.exit(ft.EXIT_BAD_INPUT)
    with open(args.output, "w") as file:
        file.write(result)
    ft.progress("done", 1.0)


if __name__ == "__main__":
    main()
