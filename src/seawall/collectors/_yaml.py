"""Safe YAML loading that remembers where each mapping and key sits.

Only PyYAML's safe loader is used (never ``yaml.load`` with a full loader):
scanned files are data, and a YAML tag must never construct an object.
"""

from __future__ import annotations

from typing import Any

from seawall.collectors._yaml_import import seed_pyyaml_regex

seed_pyyaml_regex()  # before PyYAML's first import: see _yaml_import

import yaml  # noqa: E402

__all__ = ["LineDict", "YamlError", "load_yaml_documents"]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    """Malformed YAML, with the 1-based line where the parser gave up."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class LineDict(dict[Any, Any]):
    """A dict that knows the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of ``key`` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise YamlError("unhashable mapping key", key_node.start_mark.line + 1) from None
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_documents(text: str) -> list[Any]:
    """All documents of a YAML stream; raises YamlError with a line on bad input."""
    try:
        return list(yaml.load_all(text, Loader=_LineLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"invalid YAML: {reason}", line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control
        raise YamlError(
            f"invalid YAML: {exc.reason} (character #x{exc.character:02X})",
            _line_at(text, exc.position),
        ) from None
    except UnicodeEncodeError:  # lone surrogates (undecodable bytes kept by surrogateescape)
        raise YamlError("invalid YAML: the text is not UTF-8", None) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise YamlError(f"invalid YAML: {type(exc).__name__}", None) from None


def _line_at(text: str, position: int) -> int:
    """The 1-based line of a reader error's position (libyaml counts UTF-8 bytes)."""
    if _BaseLoader is not yaml.SafeLoader:
        return text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1
    return text.count("\n", 0, position) + 1
