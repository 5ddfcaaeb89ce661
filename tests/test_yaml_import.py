"""PyYAML's import gets an equivalent, cheaper compiled form of its NON_PRINTABLE regex."""

from __future__ import annotations

import re
import subprocess
import sys

from seawall.collectors._yaml_import import NON_PRINTABLE_POSITIVE, PYYAML_NON_PRINTABLE


def test_positive_form_matches_the_same_code_points() -> None:
    every_code_point = "".join(map(chr, range(0x110000)))
    # "|(?!)" never matches: a different source, so compiled anew rather than
    # taken from the cache entry the seed may have put there.
    original = re.compile(PYYAML_NON_PRINTABLE + "|(?!)")
    expected = [m.start() for m in original.finditer(every_code_point)]
    positive = re.compile(NON_PRINTABLE_POSITIVE)
    assert [m.start() for m in positive.finditer(every_code_point)] == expected
    assert 0x84 in expected and 0xD800 in expected and 0xFFFE in expected
    assert not {0x09, 0x0A, 0x0D, 0x20, 0x85, 0xA0, 0xE000, 0x10000} & set(expected)


def test_pyyaml_receives_the_positive_form() -> None:
    """The seed takes effect: PyYAML's source is still the one it is keyed under.

    In a fresh interpreter, because another test may have imported PyYAML first.
    """
    code = (
        "import seawall.collectors._yaml, yaml.reader; "
        "print(ascii(yaml.reader.Reader.NON_PRINTABLE.pattern))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.rstrip("\n") == ascii(NON_PRINTABLE_POSITIVE)
