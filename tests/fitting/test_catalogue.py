"""Problem catalogue x fitter catalogue (noise-free data: every fitter must find the exact optimum).

Warnings are errors here: a fitter that needs to warn on a well-posed problem is a defect.
"""

from __future__ import annotations

import numpy as np
import pytest

from scalingkit.fitting import Huber, LeastSquares, MultiStartLM, ScipyLoop, VarPro
from scalingkit.laws import get_law

pytestmark = pytest.mark.filterwarnings("error")


def _grid(seed=0, n=36):
    rng = np.random.default_rng(seed)
    N = np.exp(rng.uniform(np.log(2e7), np.log(5e9), n))
    D = N * np.exp(rng.uniform(np.log(2.0), np.log(200.0), n))
    return {"N": N, "D": D, "C": 6 * N * D, "M": D / N,
            "unique_tokens": D / np.exp(rng.uniform(0.0, np.log(30.0), n)),
            "S1": rng.uniform(0.3, 6.0, n), "S2": rng.uniform(0.0, 2.0, n), "x": np.exp(rng.uniform(0.0, 12.0, n))}


PROBLEMS = {
    "chinchilla": {"E": 1.8, "A": 480.0, "B": 2100.0, "alpha": 0.35, "beta": 0.37},
    "overtraining": {"E": 1.9, "a": 30.0, "b": 60.0, "eta": 0.15},
    "power": {"E": 1.5, "A": 8.0, "alpha": 0.3},
    "power_compute": {"E": 1.7, "A": 200.0, "alpha": 0.1},
    "lr_anneal": {"L0": 2.0, "A": 1.0, "alpha": 0.5, "C": 0.2},
}

FITTERS = {
    "lm_default": lambda: MultiStartLM(n_starts=128),
    "lm_no_pruning": lambda: MultiStartLM(n_starts=128, screen_keep=1.0, prune_keep=1.0, dedup=False),
    "lm_no_polish": lambda: MultiStartLM(n_starts=128, polish=0, ftol=1e-14),
    "scipy_loop": lambda: ScipyLoop(n_starts=6, numerical_gradient=False,
                                    options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-12}),
}


@pytest.mark.parametrize("fitter", sorted(FITTERS))
@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("objective", ["huber_log", "ls_log", "ls_raw"])
def test_catalogue(problem, fitter, objective):
    law = get_law(problem)
    truth = PROBLEMS[problem]
    X = _grid()
    y = law(truth, X)
    obj = {"huber_log": Huber(1e-3), "ls_log": LeastSquares(log=True), "ls_raw": LeastSquares()}[objective]
    res = FITTERS[fitter]().fit(law, X, y, obj)
    pred = law(res.params, X)
    assert np.max(np.abs(pred / y - 1)) < 1e-4, res.params
    assert res.objective < 1e-9


@pytest.mark.parametrize("problem", ["chinchilla", "overtraining", "power", "lr_anneal"])
def test_varpro_on_linear_laws(problem):
    law = get_law(problem)
    X = _grid(seed=1)
    y = law(PROBLEMS[problem], X)
    res = VarPro().fit(law, X, y, LeastSquares())
    for k, v in PROBLEMS[problem].items():
        assert res.params[k] == pytest.approx(v, rel=1e-5), k
