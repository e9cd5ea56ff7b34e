"""Suggest the next candidate with Optuna's TPE sampler (`strategy: tpe`).

Ask-and-tell without a database: the workflow owns the history of the
search. Each call rebuilds a study from the trials it is given (finished
ones with their ranking score, failed ones, and those still running, which
the constant liar treats as bad so parallel lanes spread out), asks one
trial, and prints its parameters. The same input gives the same output, so a
rerun repeats the search; Temporal records the output, so a replay does too.

    python tpe_suggest.py < request.json > suggestion.json

request.json:
  {"seed": 1003, "direction": "maximize",
   "spaces": [{"algorithm": "xgboost", "space": {"eta": {"low": 0.01, "high": 0.3, "log": true},
               "num_round": 2000, "max_depth": [3, 6]}, "kinds": {"eta": "float", ...}}],
   "trials": [{"algorithm": "xgboost", "hyperparameters": {...},
               "state": "complete" | "failed" | "running", "value": 0.83}]}
suggestion.json: {"algorithm": "xgboost", "hyperparameters": {...}}

Exit codes: 0 done, 2 bad request (one line on stderr), 1 unexpected.
"""

import json
import math
import sys
import warnings

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import TrialState, create_trial

ALGORITHM = "algorithm"
STATES = {"complete": TrialState.COMPLETE, "failed": TrialState.FAIL, "running": TrialState.RUNNING}


class BadRequest(ValueError):
    pass


def distributions_of(entry: dict) -> dict[str, BaseDistribution]:
    """The searched (not fixed) hyperparameters of one algorithm, named algorithm.param."""
    found = {}
    for name, value in sorted(entry["space"].items()):
        key = f"{entry['algorithm']}.{name}"
        kind = entry["kinds"].get(name)
        if isinstance(value, (int, float)):
            continue
        if isinstance(value, list):
            found[key] = CategoricalDistribution(value)
        elif kind == "int":
            found[key] = IntDistribution(
                math.ceil(value["low"]), math.floor(value["high"]), log=value["log"]
            )
        elif kind == "float":
            found[key] = FloatDistribution(value["low"], value["high"], log=value["log"])
        else:
            raise BadRequest(f"{key}: unknown kind {kind!r}")
    return found


def known_trial(trial: dict, spaces: dict, algorithms: list[str]):
    entry = spaces.get(trial["algorithm"])
    if entry is None:
        raise BadRequest(f"a trial names algorithm {trial['algorithm']!r}, which is not searched")
    distributions = distributions_of(entry)
    params = {
        key: trial["hyperparameters"][key.split(".", 1)[1]]
        for key in distributions
        if key.split(".", 1)[1] in trial["hyperparameters"]
    }
    distributions = {key: distributions[key] for key in params}
    if len(algorithms) > 1:
        params[ALGORITHM] = trial["algorithm"]
        distributions[ALGORITHM] = CategoricalDistribution(algorithms)
    state = STATES[trial["state"]]
    value = trial.get("value")
    if state == TrialState.COMPLETE and (value is None or not math.isfinite(value)):
        state = TrialState.FAIL
    return create_trial(
        state=state,
        params=params,
        distributions=distributions,
        value=value if state == TrialState.COMPLETE else None,
    )


def suggest(request: dict) -> dict:
    spaces = {entry["algorithm"]: entry for entry in request["spaces"]}
    algorithms = [entry["algorithm"] for entry in request["spaces"]]
    if not algorithms:
        raise BadRequest("the request lists no algorithms to search")
    sampler = optuna.samplers.TPESampler(
        seed=request["seed"],
        # multivariate + group model the algorithm choice and its own
        # hyperparameters jointly, as a conditional space needs.
        multivariate=True,
        group=True,
        constant_liar=True,
    )
    study = optuna.create_study(direction=request["direction"], sampler=sampler)
    for trial in request["trials"]:
        study.add_trial(known_trial(trial, spaces, algorithms))
    trial = study.ask()
    algorithm = (
        trial.suggest_categorical(ALGORITHM, algorithms) if len(algorithms) > 1 else algorithms[0]
    )
    entry = spaces[algorithm]
    hyperparameters = {}
    searched = distributions_of(entry)
    for name, value in sorted(entry["space"].items()):
        key = f"{algorithm}.{name}"
        if key in searched:
            hyperparameters[name] = suggest_value(trial, key, searched[key])
        else:
            hyperparameters[name] = value
    return {"algorithm": algorithm, "hyperparameters": hyperparameters}


def suggest_value(trial, key: str, distribution: BaseDistribution):
    if isinstance(distribution, CategoricalDistribution):
        return trial.suggest_categorical(key, distribution.choices)
    if isinstance(distribution, IntDistribution):
        return trial.suggest_int(key, distribution.low, distribution.high, log=distribution.log)
    value = trial.suggest_float(key, distribution.low, distribution.high, log=distribution.log)
    # Six significant digits, as the random strategy draws: readable, and stable through JSON.
    return float(f"{value:.6g}")


def main() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # multivariate and group are marked experimental; the warning is noise for the worker's log.
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    try:
        request = json.load(sys.stdin)
        print(json.dumps(suggest(request)))
    except (BadRequest, KeyError, TypeError, json.JSONDecodeError) as error:
        print(f"bad TPE request: {error!r}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
