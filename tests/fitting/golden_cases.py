"""Fits whose text reports are pinned as golden files (regenerate: python tests/fitting/golden_cases.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from scalingkit.fitting import Huber, LeastSquares, MultiStartLM, format_report
from scalingkit.laws import get_law

GOLDEN = Path(__file__).parent / "golden"
TRUE = {"E": 1.817, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}


def _data():
    rng = np.random.default_rng(123)
    N = np.repeat(np.geomspace(5e7, 5e9, 6), 5)
    D = N * np.tile(np.geomspace(5, 100, 5), 6)
    X = {"N": N, "D": D}
    return X, get_law("chinchilla")(TRUE, X) * np.exp(0.01 * rng.standard_normal(N.size))


def cases():
    X, y = _data()
    law = get_law("chinchilla")
    return {
        "chinchilla_huber": MultiStartLM(n_starts=256).fit(law, X, y, Huber(1e-3)),
        "chinchilla_bounded_ls": MultiStartLM(n_starts=256).fit(law.with_bounds(alpha=(0.0, 0.2)), X, y,
                                                               LeastSquares(log=True)),
        "chinchilla_fixed": MultiStartLM(n_starts=64).fit(law.fix(beta=0.3658), X, y, Huber(1e-3)),
    }


def render(result) -> str:
    """Report with numbers rounded to 4 significant digits, so platform noise does not break goldens.

    Iteration and basin counts depend on floating-point details of the BLAS in use, so they are masked.
    """
    import re

    text = format_report(result)
    text = re.sub(r"iterations = \d+", "iterations = <n>", text)
    text = re.sub(r"\(\d+ reached the best basin\)", "(<k> reached the best basin)", text)
    return re.sub(r"-?\d+\.\d+(e[-+]\d+)?", lambda m: f"{float(m.group()):.4g}", text) + "\n"


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for name, res in cases().items():
        (GOLDEN / f"{name}.txt").write_text(render(res))
        print("wrote", GOLDEN / f"{name}.txt")
