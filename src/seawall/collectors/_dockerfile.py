"""Dockerfile parsing: instructions with line spans, stages, ARG substitution.

Written here rather than taken from ``dockerfile-parse`` because the checks
need what that library does not give: an error (with a line) for a malformed
file instead of a silent best effort, BuildKit heredocs, and Docker's scoping
of ``ARG`` (global args only reach ``FROM`` lines; a stage sees them only after
re-declaring them) and the ``USER`` a stage inherits from its parent stage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Dockerfile", "DockerfileError", "Instruction", "Stage", "parse_dockerfile"]

KNOWN_INSTRUCTIONS = frozenset(
    {
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
        "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
        "HEALTHCHECK", "SHELL",
    }
)  # fmt: skip
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.+?)\s*$")
_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


class DockerfileError(ValueError):
    """A Dockerfile that Docker itself would refuse; carries the 1-based line."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Instruction:
    """One instruction with its keyword (upper case), arguments and line span."""

    keyword: str
    value: str
    line: int
    end_line: int


@dataclass(frozen=True)
class Stage:
    """One build stage: from its ``FROM`` to the next."""

    index: int
    name: str | None
    base: str  # the image reference as written
    base_resolved: str | None  # after global ARG substitution; None if undecidable
    parent_stage: int | None  # index of an earlier stage used as base
    from_line: int
    instructions: tuple[Instruction, ...]

    def last(self, keyword: str) -> Instruction | None:
        """The last instruction of this keyword in the stage, if any."""
        for instruction in reversed(self.instructions):
            if instruction.keyword == keyword:
                return instruction
        return None


@dataclass(frozen=True)
class Dockerfile:
    """A parsed Dockerfile."""

    path: str
    global_args: Mapping[str, str | None]
    stages: tuple[Stage, ...]

    @property
    def final_stage(self) -> Stage:
        """The stage ``docker build`` produces when no ``--target`` is given."""
        return self.stages[-1]


def substitute(text: str, values: Mapping[str, str | None]) -> str | None:
    """Expand ``$VAR``/``${VAR}``/``${VAR:-d}``/``${VAR:+a}``; None if any variable is unknown."""
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group("braced") or match.group("bare")
        op, word = match.group("op"), match.group("word")
        value = values.get(name)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                return word or ""
            return value
        if op in (":+", "+"):
            return (word or "") if value else ""
        if value is None:
            unresolved = True
            return ""
        return value

    result = _VARIABLE.sub(replace, text)
    return None if unresolved else result


def has_digest(image: str) -> bool:
    """True when the reference pins a sha256 digest."""
    return bool(_DIGEST.search(image))


def _shown_keyword(keyword: str) -> str:
    """A misspelt instruction as it is ("RUNN"); anything else only by its start and length.

    The first word of a line that is no instruction can be anything the file
    holds, a credential included ("PASSWORD=..."), and reports never show one.
    """
    if len(keyword) <= 12 and keyword.isascii() and keyword.isalpha():
        return repr(keyword)
    return f"{keyword[:4]!r}… ({len(keyword)} characters)"


def _logical_lines(text: str) -> list[tuple[str, int, int]]:
    """Join continuation lines; drop comments, directives and heredoc bodies."""
    lines = text.splitlines()
    escape = "\\"
    # Parser directives are only recognised at the very top, before anything else.
    for raw in lines:
        match = _DIRECTIVE.match(raw.strip())
        if not match:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            escape = match.group(2)
    result: list[tuple[str, int, int]] = []
    index = 0
    while index < len(lines):
        raw = lines[index]
        stripped = raw.strip()
        start = index + 1
        index += 1
        if not stripped or stripped.startswith("#"):
            continue
        parts: list[str] = []
        current = raw.rstrip()
        while current.endswith(escape):
            parts.append(current[: -len(escape)])
            # Comment lines inside a continuation are dropped, as Docker does.
            while index < len(lines) and lines[index].strip().startswith("#"):
                index += 1
            if index >= len(lines):
                current = ""
                break
            current = lines[index].rstrip()
            index += 1
        parts.append(current)
        logical = " ".join(p.strip() for p in parts if p.strip())
        for marker in _HEREDOC.findall(logical):
            while index < len(lines) and lines[index].strip() != marker:
                index += 1
            index += 1  # the terminator line itself
        result.append((logical, start, min(index, len(lines))))
    return result


def parse_dockerfile(path: str, text: str) -> Dockerfile:
    """Parse Dockerfile text; raises DockerfileError for what Docker would reject."""
    global_args: dict[str, str | None] = {}
    stages: list[Stage] = []
    names: dict[str, int] = {}
    current: dict[str, object] | None = None
    body: list[Instruction] = []

    def close_stage() -> None:
        if current is not None:
            stages.append(Stage(instructions=tuple(body), **current))  # type: ignore[arg-type]

    for logical, start, end in _logical_lines(text):
        keyword, _, value = logical.partition(" ")
        keyword = keyword.upper()
        value = value.strip()
        if keyword not in KNOWN_INSTRUCTIONS:
            raise DockerfileError(f"unknown instruction {_shown_keyword(keyword)}", start)
        if keyword == "FROM":
            close_stage()
            body = []
            current = _parse_from(value, start, len(stages), global_args, names)
            if current["name"]:
                names[str(current["name"]).lower()] = len(stages)
            continue
        if current is None:
            if keyword != "ARG":
                raise DockerfileError(f"{keyword} before the first FROM", start)
            for name, default in _parse_args(value):
                global_args[name] = default
            continue
        body.append(Instruction(keyword, value, start, end))
    close_stage()
    if not stages:
        raise DockerfileError("no FROM instruction", None)
    return Dockerfile(path, global_args, tuple(stages))


def _parse_args(value: str) -> list[tuple[str, str | None]]:
    result: list[tuple[str, str | None]] = []
    for token in value.split():
        name, sep, default = token.partition("=")
        result.append((name, default.strip("\"'") if sep else None))
    return result


def _parse_from(
    value: str,
    line: int,
    index: int,
    global_args: Mapping[str, str | None],
    names: Mapping[str, int],
) -> dict[str, object]:
    tokens = [t for t in value.split() if not t.startswith("--")]
    if not tokens:
        raise DockerfileError("FROM without an image", line)
    base = tokens[0]
    name: str | None = None
    if len(tokens) >= 3 and tokens[1].lower() == "as":
        name = tokens[2]
    elif len(tokens) != 1:
        raise DockerfileError(f"malformed FROM {value[:80]!r}", line)
    resolved = substitute(base, global_args)
    parent = names.get(resolved.lower()) if resolved else None
    return {
        "index": index,
        "name": name,
        "base": base,
        "base_resolved": resolved,
        "parent_stage": parent,
        "from_line": line,
    }


def stage_variables(dockerfile: Dockerfile, stage: Stage) -> dict[str, str | None]:
    """ARG/ENV values visible at the end of a stage (global args only once re-declared)."""
    values: dict[str, str | None] = {}
    if stage.parent_stage is not None:
        values.update(stage_variables(dockerfile, dockerfile.stages[stage.parent_stage]))
    for instruction in stage.instructions:
        if instruction.keyword == "ARG":
            for name, default in _parse_args(instruction.value):
                values[name] = default if default is not None else dockerfile.global_args.get(name)
        elif instruction.keyword == "ENV":
            values.update(_parse_env(instruction.value))
    return values


def _parse_env(value: str) -> dict[str, str | None]:
    if "=" not in value.split(" ", 1)[0]:
        name, _, rest = value.partition(" ")  # legacy "ENV NAME value"
        return {name: rest.strip()}
    result: dict[str, str | None] = {}
    for token in value.split():
        name, sep, val = token.partition("=")
        if sep:
            result[name] = val.strip("\"'")
    return result


def effective_user(dockerfile: Dockerfile, stage: Stage) -> tuple[Instruction | None, Stage]:
    """The USER instruction in force at the end of a stage, and the stage that set it.

    A stage built ``FROM`` an earlier stage inherits that stage's user.
    """
    instruction = stage.last("USER")
    if instruction is None and stage.parent_stage is not None:
        return effective_user(dockerfile, dockerfile.stages[stage.parent_stage])
    return instruction, stage
