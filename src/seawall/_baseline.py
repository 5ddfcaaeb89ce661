"""Baseline files: the fingerprints of accepted findings, so a scan reports only new ones."""

from __future__ import annotations

import json
from collections.abc import Iterable

from seawall._errors import ConfigError
from seawall._model import Finding

__all__ = ["BASELINE_VERSION", "baseline_document", "load_baseline"]

BASELINE_VERSION = 1


def baseline_document(findings: Iterable[Finding], tool_version: str) -> str:
    """JSON text recording each finding's fingerprint, check and path (no lines, no values)."""
    entries = sorted(
        (
            {
                "fingerprint": f.fingerprint,
                "check": f.check_id,
                "path": f.location.path or f.location.resource,
            }
            for f in findings
        ),
        key=lambda e: (e["check"], e["path"] or "", e["fingerprint"]),
    )
    document = {
        "seawall_baseline": BASELINE_VERSION,
        "tool_version": tool_version,
        "findings": entries,
    }
    return json.dumps(document, indent=2) + "\n"


def load_baseline(path: str) -> frozenset[str]:
    """The fingerprints in a baseline file; ConfigError for a missing or malformed file."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("seawall_baseline") != BASELINE_VERSION:
        raise ConfigError(f"{path} is not a Seawall baseline (version {BASELINE_VERSION})")
    entries = document.get("findings")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise ConfigError(f"baseline {path}: 'findings' must be a list of {{fingerprint: ...}}")
    return frozenset(e["fingerprint"] for e in entries)
