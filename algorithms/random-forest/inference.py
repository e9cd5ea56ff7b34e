"""Serve a random-forest model (SageMaker inference toolkit functions).

Every algorithm saves the same kind of model (a scikit-learn Pipeline with its
preprocessing inside), so the functions are shared in ferry_tabular.
"""

from ferry_tabular import input_fn, model_fn, output_fn, predict_fn

__all__ = ["model_fn", "input_fn", "predict_fn", "output_fn"]
