from __future__ import annotations

import pytest

from seawall._errors import CatalogError
from seawall._model import Severity
from seawall.catalog import CONTROL_IDS, load_catalog, parse_catalog
from seawall.checks import REGISTRY, all_checks


def test_catalog_holds_the_sixteen_controls_in_baseline_order() -> None:
    controls = load_catalog()
    assert tuple(c.id for c in controls) == CONTROL_IDS
    assert len(controls) == 16
    for control in controls:
        assert control.verify and control.evidence and control.remediation


def test_unknown_catalog_key_is_an_error() -> None:
    text = '[[control]]\nid = "SI-1"\ncolour = "red"\n'
    with pytest.raises(CatalogError, match="unknown key"):
        parse_catalog(text)


def test_missing_control_is_an_error() -> None:
    from importlib import resources

    text = resources.files("seawall.catalog").joinpath("controls.toml").read_text()
    truncated = text[: text.rindex("[[control]]")]
    with pytest.raises(CatalogError, match="differ"):
        parse_catalog(truncated)


def test_invalid_toml_is_an_error() -> None:
    with pytest.raises(CatalogError, match="not valid TOML"):
        parse_catalog("[[control]\n")


def test_check_ids_are_unique_and_name_existing_controls() -> None:
    checks = all_checks()
    ids = [c.meta.id for c in checks]
    assert len(ids) == len(set(ids)) == len(REGISTRY)
    modules = list(REGISTRY.values())
    assert len(modules) == len(set(modules))
    controls = {c.id: c for c in load_catalog()}
    for check in checks:
        assert check.meta.control in controls, check.meta.id
        # The clause a check automates is one of its control's Verify clauses.
        assert check.meta.verify_clause in controls[check.meta.control].verify, check.meta.id
        assert isinstance(check.meta.severity, Severity)
        assert check.meta.example_fail and check.meta.example_pass, check.meta.id
        assert check.meta.rationale and check.meta.remediation and check.meta.title
