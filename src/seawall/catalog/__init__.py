"""The sixteen baseline controls, loaded and validated from ``controls.toml``."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from seawall._errors import CatalogError
from seawall._model import Control

__all__ = ["CONTROL_IDS", "get_control", "load_catalog"]

#: The permanent control IDs of BASELINE.md, in baseline order.
CONTROL_IDS: tuple[str, ...] = (
    "SI-1", "SI-2", "SI-3",
    "ED-1", "ED-2", "ED-3",
    "CR-1", "CR-2",
    "SC-1", "SC-2",
    "MI-1", "MI-2", "MI-3",
    "BR-1",
    "CP-1", "CP-2",
)  # fmt: skip

_REQUIRED_STR = ("id", "domain", "title", "practice", "evidence", "remediation")
_REQUIRED_LIST = ("verify", "references")
_ID_SHAPE = re.compile(r"^[A-Z]{2}-[0-9]$")


def _parse_control(raw: dict[str, Any], index: int) -> Control:
    unknown = set(raw) - set(_REQUIRED_STR) - set(_REQUIRED_LIST)
    if unknown:
        raise CatalogError(f"control #{index + 1}: unknown key(s) {sorted(unknown)}")
    for key in _REQUIRED_STR:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CatalogError(f"control #{index + 1}: '{key}' must be a non-empty string")
    for key in _REQUIRED_LIST:
        value = raw.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CatalogError(f"control #{index + 1}: '{key}' must be a list of strings")
    if not _ID_SHAPE.match(raw["id"]):
        raise CatalogError(f"control #{index + 1}: malformed id {raw['id']!r}")
    return Control(
        id=raw["id"],
        domain=raw["domain"],
        title=raw["title"],
        practice=raw["practice"],
        verify=tuple(raw["verify"]),
        evidence=raw["evidence"],
        remediation=raw["remediation"],
        references=tuple(raw["references"]),
    )


def parse_catalog(text: str) -> tuple[Control, ...]:
    """Parse and validate catalog TOML text; raises CatalogError on any defect."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"catalog is not valid TOML: {exc}") from exc
    if set(data) != {"control"} or not isinstance(data["control"], list):
        raise CatalogError("catalog must hold exactly one array of [[control]] tables")
    controls = tuple(_parse_control(raw, i) for i, raw in enumerate(data["control"]))
    ids = tuple(c.id for c in controls)
    if ids != CONTROL_IDS:
        raise CatalogError(f"catalog ids {ids} differ from the baseline's {CONTROL_IDS}")
    return controls


@cache
def load_catalog() -> tuple[Control, ...]:
    """The controls in baseline order (validated once, then cached)."""
    # A plain path beside this module: importlib.resources costs ~20 ms of imports.
    text = (Path(__file__).parent / "controls.toml").read_text("utf-8")
    return parse_catalog(text)


def get_control(control_id: str) -> Control:
    """The control with this id; KeyError when there is none."""
    for control in load_catalog():
        if control.id == control_id:
            return control
    raise KeyError(control_id)
