"""NCPL-style neural residual model (``torch`` extra; imported only when used).

Every configuration feature becomes one token: a learned embedding of its *key* plus an
embedding of its *value*, numbers through a small shared MLP (as NCPL embeds numeric
placeholders), categorical levels through a lookup table. A small transformer encoder (or an
MLP over the concatenated tokens) reads the tokens and a linear head gives the residual.
Trained from scratch with AdamW and early stopping on held-out (N, D) cells; numeric inputs
are standardised and clipped to the training range, so the model never extrapolates a trend
in a raw scale feature. It runs on a GPU when one is present and stays quick on a CPU.
"""

from __future__ import annotations

import numpy as np

from .._optional import optional_module_for

__all__ = ["NeuralResidual"]


def _build(torch, n_num, cat_sizes, hidden, layers, arch):
    nn = torch.nn

    class TokenModel(nn.Module):
        def __init__(self):
            super().__init__()
            n_tok = n_num + len(cat_sizes)
            self.keys = nn.Parameter(0.1 * torch.randn(n_tok, hidden))
            self.number = nn.Sequential(nn.Linear(1, 2 * hidden), nn.GELU(), nn.Linear(2 * hidden, hidden))
            self.scale = nn.Parameter(torch.ones(n_num, hidden)) if n_num else None
            self.cats = nn.ModuleList(nn.Embedding(size + 1, hidden) for size in cat_sizes)
            if arch == "transformer":
                layer = nn.TransformerEncoderLayer(hidden, nhead=4, dim_feedforward=2 * hidden, dropout=0.0,
                                                   batch_first=True, norm_first=True)
                self.body = nn.TransformerEncoder(layer, num_layers=layers, enable_nested_tensor=False)
                self.head = nn.Sequential(nn.LayerNorm(hidden), nn.Linear(hidden, 1))
            else:
                dims = [n_tok * hidden] + [2 * hidden] * layers
                mods = []
                for a, b in zip(dims[:-1], dims[1:], strict=True):
                    mods += [nn.Linear(a, b), nn.GELU()]
                self.body = nn.Sequential(*mods)
                self.head = nn.Linear(dims[-1], 1)

        def forward(self, x_num, x_cat):
            tokens = []
            if n_num:
                tokens.append(self.number(x_num.unsqueeze(-1)) * self.scale)
            if cat_sizes:
                tokens.append(torch.stack([emb(x_cat[:, j]) for j, emb in enumerate(self.cats)], dim=1))
            h = torch.cat(tokens, dim=1) + self.keys
            if arch == "transformer":
                return self.head(self.body(h).mean(dim=1)).squeeze(-1)
            return self.head(self.body(h.flatten(1))).squeeze(-1)

    return TokenModel()


class NeuralResidual:
    """Token-embedding network for configuration -> residual (see the module docstring).

    Parameters
    ----------
    arch : {"mlp", "transformer"}, default="mlp"
        What reads the tokens: an MLP over their concatenation, or a transformer encoder
        (mean-pooled). The MLP was the better of the two in cross-validation on Step Law.
    hidden : int, default=32
        Token width.
    layers : int, default=2
    max_epochs : int, default=300
    patience : int, default=40
        Epochs without validation improvement before stopping (best weights are kept).
    lr : float, default=3e-3
        AdamW learning rate.
    weight_decay : float, default=1e-4
    batch_size : int, default=128
    n_models : int, default=2
        Ensemble members (different seeds and validation cells); predictions are averaged.
    val_fraction : float, default=0.2
        Share of (N, D) cells (or rows, with fewer than 5 cells) held out for early stopping.
    device : str or None, default=None
        ``"cuda"`` when available, else ``"cpu"``.
    random_state : int, default=0
    """

    def __init__(self, *, arch="mlp", hidden=32, layers=2, max_epochs=300, patience=40, lr=3e-3,
                 weight_decay=1e-4, batch_size=128, n_models=2, val_fraction=0.2, device=None, random_state=0):
        self.arch = arch
        self.hidden = hidden
        self.layers = layers
        self.max_epochs = max_epochs
        self.patience = patience
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.n_models = n_models
        self.val_fraction = val_fraction
        self.device = device
        self.random_state = random_state

    def _tensors(self, torch, X):
        num = X[self.numeric_].to_numpy(float) if self.numeric_ else np.zeros((len(X), 0))
        num = np.clip(np.nan_to_num((num - self.mu_) / self.sd_), self.lo_, self.hi_)
        cat = X[self.categorical_].to_numpy(float) if self.categorical_ else np.zeros((len(X), 0))
        cat = np.where(cat < 0, self.cat_sizes_ if self.categorical_ else 0, cat).astype(np.int64)
        dev = self.device_
        return (torch.as_tensor(num, dtype=torch.float32, device=dev), torch.as_tensor(cat, device=dev))

    def fit(self, X, y, *, categorical=(), groups=None):
        """Fit on a feature frame ``X`` and residuals ``y``; returns self."""
        torch = optional_module_for("torch", "torch")
        self.device_ = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # tiny model: threads only add overhead
        try:
            return self._fit(torch, X, y, categorical, groups)
        finally:
            torch.set_num_threads(threads)

    def _fit(self, torch, X, y, categorical, groups):
        self.categorical_ = [c for c in X.columns if c in set(categorical)]
        self.numeric_ = [c for c in X.columns if c not in set(categorical)]
        num = X[self.numeric_].to_numpy(float)
        self.mu_ = np.nanmean(num, axis=0) if self.numeric_ else np.zeros(0)
        self.sd_ = np.nanstd(num, axis=0) + 1e-9 if self.numeric_ else np.ones(0)
        z = np.nan_to_num((num - self.mu_) / self.sd_)
        self.lo_, self.hi_ = (z.min(axis=0), z.max(axis=0)) if len(z) else (0.0, 0.0)
        self.cat_sizes_ = np.array([int(X[c].max()) + 1 for c in self.categorical_], dtype=np.int64)
        y = np.asarray(y, float)
        self.y_mu_, self.y_sd_ = float(y.mean()), float(y.std() + 1e-12)
        xn, xc = self._tensors(torch, X)
        yt = torch.as_tensor((y - self.y_mu_) / self.y_sd_, dtype=torch.float32, device=self.device_)
        groups = np.arange(len(y)) if groups is None or np.unique(groups).size < 5 else np.asarray(groups)
        self.models_ = []
        for k in range(self.n_models):
            rng = np.random.default_rng(self.random_state + k)
            cells = np.unique(groups)
            val_cells = rng.choice(cells, max(1, int(round(self.val_fraction * cells.size))), replace=False)
            val = np.isin(groups, val_cells)
            torch.manual_seed(self.random_state + k)
            self.models_.append(self._train_one(torch, xn, xc, yt, val, rng))
        return self

    def _train_one(self, torch, xn, xc, yt, val, rng):
        model = _build(torch, len(self.numeric_), list(self.cat_sizes_), self.hidden, self.layers, self.arch)
        model.to(self.device_)
        opt = torch.optim.AdamW(model.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        tr_idx, va_idx = np.flatnonzero(~val), np.flatnonzero(val)
        loss_fn = torch.nn.HuberLoss(delta=0.5)
        best, best_state, since = np.inf, None, 0
        for _epoch in range(self.max_epochs):
            model.train()
            for batch in np.array_split(rng.permutation(tr_idx), max(1, len(tr_idx) // self.batch_size)):
                b = torch.as_tensor(batch, device=self.device_)
                opt.zero_grad()
                loss = loss_fn(model(xn[b], xc[b]), yt[b])
                loss.backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                v = torch.as_tensor(va_idx, device=self.device_)
                score = float(torch.abs(model(xn[v], xc[v]) - yt[v]).mean()) if va_idx.size else float(loss)
            if score < best - 1e-5:
                best, since = score, 0
                best_state = {k: t.detach().clone() for k, t in model.state_dict().items()}
            else:
                since += 1
                if since >= self.patience:
                    break
        model.load_state_dict(best_state)
        model.eval()
        return model

    def predict(self, X) -> np.ndarray:
        """Residual predictions for a feature frame with the training columns."""
        torch = optional_module_for("torch", "torch")
        xn, xc = self._tensors(torch, X)
        with torch.no_grad():
            out = np.mean([m(xn, xc).cpu().numpy() for m in self.models_], axis=0)
        return out * self.y_sd_ + self.y_mu_
