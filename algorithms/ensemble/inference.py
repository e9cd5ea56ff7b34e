"""Serve an ensemble (SageMaker inference toolkit functions).

An ensemble's model.joblib holds a ferry_tabular.WeightedEnsemble as its
`pipeline`, with the same keys as any other model, so the shared functions
serve it unchanged.
"""

from ferry_tabular import input_fn, model_fn, output_fn, predict_fn

__all__ = ["model_fn", "input_fn", "predict_fn", "output_fn"]
