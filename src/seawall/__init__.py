"""Seawall: verify and enforce a security baseline for data platforms.

The public API is what ``__all__`` names; heavy modules load on first use so
``seawall --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Config",
    "ConfigError",
    "ControlResult",
    "ControlStatus",
    "Finding",
    "FindingStatus",
    "Location",
    "Report",
    "SeawallError",
    "Severity",
    "__version__",
    "scan",
]

if TYPE_CHECKING:
    from seawall._config import Config
    from seawall._errors import ConfigError, SeawallError
    from seawall._model import (
        ControlResult,
        ControlStatus,
        Finding,
        FindingStatus,
        Location,
        Report,
        Severity,
    )

_LAZY = {
    "Config": "seawall._config",
    "ConfigError": "seawall._errors",
    "SeawallError": "seawall._errors",
    "ControlResult": "seawall._model",
    "ControlStatus": "seawall._model",
    "Finding": "seawall._model",
    "FindingStatus": "seawall._model",
    "Location": "seawall._model",
    "Report": "seawall._model",
    "Severity": "seawall._model",
}


def scan(path: str = ".", config: Config | None = None) -> Report:
    """Scan a platform repository at ``path`` and return its :class:`Report`.

    ``config`` defaults to the ``seawall.toml`` (or ``[tool.seawall]``) found at ``path``.
    Raises :class:`ConfigError` for a missing path or invalid configuration.
    """
    from seawall._engine import run_scan

    return run_scan(str(path), config)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'seawall' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
