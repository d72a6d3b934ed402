"""Held-out evaluation of an observational predictor, in the published order of steps.

transform y -> drop models without a target -> split -> (drop excluded
training models) -> fit on train (imputation and PCA see training models
only) -> predict test -> MSE and MAE on the transformed scale, over the test
models whose predictors are known.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._transforms import TargetTransform

__all__ = ["HeldOutResult", "evaluate_split"]


@dataclass(frozen=True)
class HeldOutResult:
    """Errors of one fit on one split.

    Attributes
    ----------
    target : str
    split : str
    n_train, n_test : int
        Models used for fitting / scored.
    train_mse, test_mse, test_mae : float
        On the transformed target scale (NaN when there is no test model).
    predictions : DataFrame
        One row per train and test model: ``set`` ("train" / "test"), ``y``,
        ``prediction`` (transformed scale), indexed like the input.
    predictor : object
        The fitted predictor.
    """

    target: str
    split: str
    n_train: int
    n_test: int
    train_mse: float
    test_mse: float
    test_mae: float
    predictions: pd.DataFrame = field(repr=False)
    predictor: object = field(repr=False)

    def to_dict(self) -> dict:
        """Plain-JSON form: errors, the fitted law, the predictor's settings and every prediction."""
        model = self.predictor
        inner = getattr(model, "estimator_", model)
        settings = {k: list(v) if isinstance(v, tuple) else v for k, v in model.get_params().items()}
        out = {"target": self.target, "split": self.split, "n_train": self.n_train, "n_test": self.n_test,
               "train_mse": self.train_mse, "test_mse": self.test_mse, "test_mae": self.test_mae,
               "predictor": type(model).__name__, "settings": settings,
               "features": list(inner.feature_names_), "link": inner.link_.to_dict()}
        if hasattr(model, "members_"):  # a stacked average of laws
            out["members"] = [{"n_components": k, "weight": w, "link": link.to_dict()} for k, w, link in model.members_]
            out["rank_by"] = model.rank_by_
        elif hasattr(model, "n_components_"):
            out["chosen"] = {"n_components": model.n_components_, "alpha": model.alpha_}
        out["predictions"] = [{"index": idx, "set": s, "y": float(y), "prediction": float(p)}
                              for idx, s, y, p in zip(self.predictions.index, self.predictions["set"],
                                                      self.predictions["y"], self.predictions["prediction"],
                                                      strict=True)]
        return out


def _fresh(predictor):
    params = predictor.get_params() if hasattr(predictor, "get_params") else None
    return type(predictor)(**params) if params is not None else copy.deepcopy(predictor)


def evaluate_split(predictor, frame: pd.DataFrame, target: str, split, *, transform: TargetTransform | None = None,
                   train_filter=None) -> HeldOutResult:
    """Fit a fresh copy of ``predictor`` on the training side of ``split`` and score the test side.

    Parameters
    ----------
    predictor : ObservationalPredictor or compatible
        Anything with ``fit(frame, target)`` / ``predict(frame)`` and ``get_params``;
        it is cloned, never modified.
    frame : DataFrame
        One row per model; not modified.
    target : str
        Target column (raw scale).
    split : CutoffSplit or TopSplit
        ``masks(frame) -> (train, test)``; a split on ``target`` ranks by the transformed target.
    transform : TargetTransform or None, default=None
        Applied to the target before anything else; errors are on its scale.
    train_filter : callable or array of bool or None, default=None
        Keeps only these training models (the paper's ``heldout_filter``, negated):
        called with the training frame, it returns a boolean mask.

    Returns
    -------
    HeldOutResult
    """
    transform = transform or TargetTransform()
    if target not in frame.columns:
        from ..exceptions import UnknownNameError

        raise UnknownNameError("target column", target, [str(c) for c in frame.columns])  # noqa: EM101
    data = frame.copy()
    data[target] = transform(pd.to_numeric(data[target], errors="coerce"))
    data = data[np.isfinite(data[target].to_numpy(dtype=float))]
    train_mask, test_mask = split.masks(data)
    train, test = data[train_mask], data[test_mask]
    if train_filter is not None:
        keep = train_filter(train) if callable(train_filter) else train_filter
        train = train[np.asarray(keep, dtype=bool)]
    model = _fresh(predictor).fit(train, target)
    fitted = model.predict(train)
    pred = model.predict(test) if len(test) else np.array([])
    scored = np.isfinite(pred)
    y_test = test[target].to_numpy(dtype=float)[scored]
    err = pred[scored] - y_test
    used = np.isfinite(fitted)
    y_train = train[target].to_numpy(dtype=float)
    table = pd.concat([
        pd.DataFrame({"set": "train", "y": y_train[used], "prediction": fitted[used]}, index=train.index[used]),
        pd.DataFrame({"set": "test", "y": y_test, "prediction": pred[scored]}, index=test.index[scored]),
    ])
    return HeldOutResult(
        target=target, split=getattr(split, "name", str(split)), n_train=int(used.sum()), n_test=int(scored.sum()),
        train_mse=float(np.mean((fitted[used] - y_train[used]) ** 2)),
        test_mse=float(np.mean(err**2)) if err.size else float("nan"),
        test_mae=float(np.mean(np.abs(err))) if err.size else float("nan"),
        predictions=table, predictor=model,
    )
