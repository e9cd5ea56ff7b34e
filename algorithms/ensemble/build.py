"""Build one ensemble model from its members' model folders.

    python build.py --spec ensemble.json --model-dir OUT

ensemble.json: {"members": [{"id": "c03", "modelDir": "...", "weight": 0.6}, ...]}.
Each member folder holds the model.joblib its train.py wrote; OUT gets one
model.joblib whose pipeline is a ferry_tabular.WeightedEnsemble over the
members' pipelines, with the members' task, target, classes and feature
columns, so every inference path serves it as it serves one model. The
weights come from ensemble selection in TypeScript; nothing is fitted here.

Exit codes: 0 done, 2 bad input (one line on stderr), 1 unexpected.
"""

import argparse
import json
import os
import sys

import joblib

import ferry_tabular as ft

# What every member must agree on to be averaged: the same rows in, the same outputs.
SHARED_KEYS = ("task", "target", "classes", "features", "numeric", "categorical")


def build(spec: dict, model_dir: str) -> None:
    members = spec.get("members")
    if not isinstance(members, list) or not members:
        raise ft.BadInput("the spec lists no members; give at least one {id, modelDir, weight}")
    models = []
    for member in members:
        path = os.path.join(member["modelDir"], ft.MODEL_FILE)
        if not os.path.isfile(path):
            raise ft.BadInput(f"member {member['id']}: {path} does not exist")
        models.append(joblib.load(path))
    first = models[0]
    for member, model in zip(members[1:], models[1:]):
        for key in SHARED_KEYS:
            if model.get(key) != first.get(key):
                raise ft.BadInput(
                    f"member {member['id']} has a different {key} from member "
                    f"{members[0]['id']}; an ensemble's members must be trained on the same rows"
                )
    ensemble = ft.WeightedEnsemble(
        [model["pipeline"] for model in models],
        [float(member["weight"]) for member in members],
        first["task"],
    )
    model = {key: first[key] for key in SHARED_KEYS}
    model["pipeline"] = ensemble
    model["members"] = [{"id": m["id"], "weight": float(m["weight"])} for m in members]
    os.makedirs(model_dir, exist_ok=True)
    partial = os.path.join(model_dir, ft.MODEL_FILE + ".partial")
    joblib.dump(model, partial)
    os.replace(partial, os.path.join(model_dir, ft.MODEL_FILE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--model-dir", required=True)
    args = parser.parse_args()
    try:
        ft.progress("loading", 0.1)
        with open(args.spec) as file:
            spec = json.load(file)
        build(spec, args.model_dir)
    except (ft.BadInput, KeyError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        sys.exit(ft.EXIT_BAD_INPUT)
    ft.progress("done", 1.0)


if __name__ == "__main__":
    main()
