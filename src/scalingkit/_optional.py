"""Guard for optional dependencies: name the extra to install."""

from __future__ import annotations

import importlib

_EXTRAS = {"plotting": "plot", "dask": "dask", "torch": "torch"}


def optional_module_for(feature: str, module: str):
    """Import ``module`` or raise ImportError naming the extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        extra = _EXTRAS.get(feature, feature)
        msg = f"{feature} needs the '{module}' package: pip install 'scalingkit[{extra}]'"
        raise ImportError(msg) from None
