"""`lr_areas` (Tissue et al. 2024 forward and annealing areas) against a plain Python loop."""

from __future__ import annotations

import numpy as np
import pytest

from scalingkit.laws import lr_areas


def naive_areas(lr, decay=0.999, warmup_steps=0):
    """Literal transcription: S1 = sum eta_i, m_i = decay m_{i-1} + (eta_{i-1} - eta_i), S2 = sum m_i."""
    eta = [max(lr) if i < warmup_steps else float(v) for i, v in enumerate(lr)]
    S1, S2, s1, s2, m = [], [], 0.0, 0.0, 0.0
    for i, e in enumerate(eta):
        m = decay * m + ((eta[i - 1] - e) if i > 0 else 0.0)
        s1 += e
        s2 += m
        S1.append(s1)
        S2.append(s2)
    return np.array(S1), np.array(S2)


@pytest.mark.parametrize("decay", [0.0, 0.9, 0.999, 1.0])
@pytest.mark.parametrize("warmup", [0, 1, 50])
def test_matches_naive_loop(decay, warmup):
    rng = np.random.default_rng(3)
    steps = np.arange(2000)
    lr = 3e-4 * (0.5 + 0.5 * np.cos(np.pi * steps / 2000)) + 1e-6 * rng.random(2000)
    lr[:warmup] = np.linspace(1e-6, 3e-4, warmup) if warmup else lr[:0]
    got = lr_areas(lr, decay=decay, warmup_steps=warmup)
    want = naive_areas(list(lr), decay=decay, warmup_steps=warmup)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-9, atol=1e-15)


def test_constant_schedule_has_no_annealing_area():
    S1, S2 = lr_areas(np.full(100, 2e-4))
    np.testing.assert_allclose(S1, 2e-4 * np.arange(1, 101))
    assert np.all(S2 == 0)


def test_single_drop_closed_form():
    """A drop of size d at step k gives m_i = d lam^(i-k), so S2(s) = d (1 - lam^(s-k+1)) / (1 - lam)."""
    lam, d, k = 0.99, 1e-4, 30
    lr = np.where(np.arange(200) < k, 3e-4, 3e-4 - d)
    _, S2 = lr_areas(lr, decay=lam)
    s = np.arange(k, 200)
    np.testing.assert_allclose(S2[k:], d * (1 - lam ** (s - k + 1)) / (1 - lam), rtol=1e-12)
    assert np.all(S2[:k] == 0)


def test_warmup_counts_at_max_lr_and_input_is_not_modified():
    lr = np.array([1e-5, 2e-5, 3e-5, 3e-5, 1e-5])
    before = lr.copy()
    S1, S2 = lr_areas(lr, warmup_steps=2)
    np.testing.assert_array_equal(lr, before)
    np.testing.assert_allclose(S1, np.cumsum([3e-5, 3e-5, 3e-5, 3e-5, 1e-5]))
    assert S2[:4].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert S2[4] == pytest.approx(2e-5)


def test_bad_input():
    with pytest.raises(ValueError, match="1-D"):
        lr_areas(np.ones((2, 2)))
    with pytest.raises(ValueError, match="1-D"):
        lr_areas([1e-4, np.nan])
    with pytest.raises(ValueError, match="decay"):
        lr_areas([1e-4], decay=1.5)
    S1, S2 = lr_areas([])
    assert S1.shape == S2.shape == (0,)
