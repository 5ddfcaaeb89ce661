"""Safe YAML loading: bad text becomes a YamlError with a line, never another exception."""

from __future__ import annotations

import pytest

from seawall.collectors._yaml import YamlError, load_yaml_documents


def test_a_control_character_names_its_line_counted_past_multibyte_text() -> None:
    with pytest.raises(YamlError) as error:
        load_yaml_documents("a: 1\nb: é ü ß\nc: \x07bad\n")
    assert error.value.line == 3
    assert "control characters are not allowed (character #x07)" in str(error.value)


def test_text_with_lone_surrogates_is_a_yaml_error() -> None:
    # What surrogateescape makes of bytes that are not UTF-8 (a rendered manifest on stdin).
    with pytest.raises(YamlError) as error:
        load_yaml_documents("a: 1\nname: \udcff\n")
    assert "not UTF-8" in str(error.value)


def test_lines_of_mappings_and_keys() -> None:
    (document,) = load_yaml_documents("top:\n  inner: 1\n  other: 2\n")
    assert document.line == 1 and document["top"].line_of("other") == 3
