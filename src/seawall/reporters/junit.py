"""JUnit XML for CI dashboards: one test suite per control, one test case per check.

A check with findings is a failure, a check that could not run is an error,
and a control with no evidence is a skipped case that says which input would
cover it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from seawall._model import ControlResult, ControlStatus, FindingStatus, Report
from seawall.checks import load_check
from seawall.reporters._common import location_text

__all__ = ["render"]

# Characters XML 1.0 cannot carry (a file name may contain them).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _suite(control: ControlResult, checks: list[str]) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(f"{control.control_id} {control.title}"))
    cases = failures = errors = skipped = 0
    for check_id in checks:
        meta = load_check(check_id).meta
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"seawall.{control.control_id}",
            name=f"{meta.id} {meta.title}",
        )
        cases += 1
        active = [
            f for f in control.findings if f.check_id == check_id and f.status is FindingStatus.FAIL
        ]
        broken = [e for e in control.errors if e.check_id == check_id]
        if active:
            failures += 1
            worst = max(active, key=lambda f: f.severity.rank).severity.value
            failure = ET.SubElement(
                case,
                "failure",
                type=worst,
                message=_clean(f"{len(active)} finding(s), worst {worst}"),
            )
            failure.text = _clean(
                "\n".join(f"[{f.severity.value}] {location_text(f)}: {f.message}" for f in active)
            )
        elif broken:
            errors += 1
            error = ET.SubElement(case, "error", message=_clean(broken[0].message))
            error.text = _clean("\n".join(f"{e.path or '-'}: {e.message}" for e in broken))
        elif check_id in control.unevidenced_checks:
            skipped += 1  # ran, but had nothing to look at: not a pass
            reason = "; ".join(control.missing_evidence) or control.summary
            ET.SubElement(case, "skipped", message=_clean(reason))
    if not checks and control.status is ControlStatus.NOT_EVIDENCED:
        case = ET.SubElement(
            suite, "testcase", classname=f"seawall.{control.control_id}", name="evidence"
        )
        ET.SubElement(case, "skipped", message=_clean(control.summary))
        cases += 1
        skipped += 1
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    return suite


def render(report: Report) -> str:
    """A ``<testsuites>`` document."""
    root = ET.Element("testsuites", name="seawall")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for control in report.controls:
        checks = [
            cid for cid in report.checks_run if load_check(cid).meta.control == control.control_id
        ]
        suite = _suite(control, checks)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
