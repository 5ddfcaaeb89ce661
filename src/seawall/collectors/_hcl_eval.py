"""Static evaluation of the Terraform expressions python-hcl2 leaves as ``${...}`` text.

python-hcl2 parses the file; what it cannot evaluate it returns as expression
text. This evaluates the subset that decides most security settings without
running Terraform: literals, lists and objects, ``var.*`` and ``local.*``,
attribute and index access, ``a ? b : c``, comparisons and boolean operators,
``length``, ``lookup``, ``try``, ``coalesce``, ``jsonencode``, ``tostring``,
``tonumber``, ``tobool``, ``concat``, ``merge`` and string templates.
Resource attributes become :class:`Reference` values (a bucket's
``aws_s3_bucket.raw.id``); anything else is :class:`Unknown`, so a check can
say "cannot decide" instead of guessing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["OPTIONAL_DEFAULT", "Evaluator", "Reference", "Unknown", "is_known"]

# Marks optional(type, default) inside an evaluated object type constraint.
OPTIONAL_DEFAULT = "__optional_default__"


@dataclass(frozen=True)
class Unknown:
    """A value Terraform only knows at plan or apply time; ``reason`` says why."""

    reason: str


@dataclass(frozen=True)
class Reference:
    """An attribute of another resource, such as ``aws_kms_key.data.arn``."""

    address: str  # "aws_kms_key.data" or "data.aws_iam_policy_document.x"
    attribute: str = ""
    module: str = ""  # the module instance it was written in: "module.db." (a module output)

    def __str__(self) -> str:
        return f"{self.address}.{self.attribute}" if self.attribute else self.address


def is_known(value: Any) -> bool:
    """False for Unknown and for containers holding one."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+(?:\.\d+)?)
    | (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<op>==|!=|>=|<=|&&|\|\||=>|\.\.\.|[?:()\[\]{},.=<>!+\-*/%])
    | (?P<name>[A-Za-z_][\w\-]*)
    )""",
    re.VERBOSE,
)


class _Tokens:
    def __init__(self, text: str) -> None:
        self.items: list[tuple[str, str]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise ValueError(f"cannot read expression at {text[position : position + 20]!r}")
            kind = match.lastgroup or ""
            self.items.append((kind, match.group(kind)))
            position = match.end()
            while position < len(text) and text[position] in " \t\r\n":
                position += 1
        self.index = 0

    def peek(self, value: str | None = None) -> bool:
        if self.index >= len(self.items):
            return False
        return value is None or self.items[self.index][1] == value

    def take(self, value: str | None = None) -> tuple[str, str]:
        if self.index >= len(self.items):
            raise ValueError("unexpected end of expression")
        item = self.items[self.index]
        if value is not None and item[1] != value:
            raise ValueError(f"expected {value!r}, found {item[1]!r}")
        self.index += 1
        return item


_LITERAL = "\x00LITERAL-DOLLAR-BRACE\x00"
_ROOTS_UNKNOWN = {"each", "count", "path", "terraform", "module", "self"}


class Evaluator:
    """Evaluates expression text against variables, locals and iterator scopes."""

    def __init__(
        self,
        variables: Mapping[str, Any],
        local_values: Callable[[str], Any],
        scope: Mapping[str, Any] | None = None,
        module_outputs: Callable[[str, str], Any] | None = None,
        module: str = "",
    ) -> None:
        self._variables = variables
        self._local = local_values
        self._scope = dict(scope or {})
        self._outputs = module_outputs
        self._module = module

    def with_scope(self, name: str, value: Any) -> Evaluator:
        """A child evaluator where ``name.value``/``name.key`` are bound (dynamic blocks)."""
        return Evaluator(
            self._variables,
            self._local,
            {**self._scope, name: value},
            self._outputs,
            self._module,
        )

    # -- values python-hcl2 hands over ------------------------------------------------

    def value(self, raw: Any) -> Any:
        """Evaluate a value as python-hcl2 returns it (strings may hold ``${...}``)."""
        if isinstance(raw, dict):
            return {k: self.value(v) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        if isinstance(raw, str):
            return self.template(raw)
        return raw

    def template(self, text: str) -> Any:
        """A string with ``${...}`` interpolations, or a heredoc."""
        heredoc = re.match(r"^<<-?(\w+)\n(.*)\n\s*\1\s*$", text, re.DOTALL)
        if heredoc:
            text = heredoc.group(2)
        if "${" not in text:
            return text
        escaped = "$${" in text  # "$${" is a literal "${" (IAM policy variables)
        if escaped:
            text = text.replace("$${", _LITERAL)
            if "${" not in text:
                return text.replace(_LITERAL, "${")
        parts = _split_template(text)
        if len(parts) == 1 and parts[0][0] == "expr":
            return self.expression(parts[0][1])
        pieces = []
        for kind, part in parts:
            if kind == "text":
                pieces.append(part.replace(_LITERAL, "${"))
                continue
            value = self.expression(part)
            if isinstance(value, Unknown):
                return value
            if isinstance(value, Reference):
                pieces.append("${" + str(value) + "}")  # keep the reference readable
            elif isinstance(value, (dict, list)):
                return Unknown(f"a collection inside a string template: {part[:40]}")
            else:
                pieces.append(_to_string(value))
        return "".join(pieces)

    def expression(self, text: str) -> Any:
        """Evaluate one expression; anything outside the supported subset is Unknown."""
        try:
            tokens = _Tokens(text)
            value = self._conditional(tokens)
            if tokens.peek():
                return Unknown(f"expression not understood: {text[:60]}")
            return value
        except (ValueError, IndexError, KeyError, TypeError) as exc:
            return Unknown(f"expression not understood ({exc}): {text[:60]}")

    # -- the grammar ------------------------------------------------------------------

    def _conditional(self, tokens: _Tokens) -> Any:
        condition = self._or(tokens)
        if not tokens.peek("?"):
            return condition
        tokens.take("?")
        yes = self._conditional(tokens)
        tokens.take(":")
        no = self._conditional(tokens)
        if isinstance(condition, Unknown):
            return yes if yes == no else Unknown(f"condition unknown: {condition.reason}")
        return yes if condition else no

    def _or(self, tokens: _Tokens) -> Any:
        value = self._and(tokens)
        while tokens.peek("||"):
            tokens.take()
            other = self._and(tokens)
            value = _unknown_of(value, other) or (bool(value) or bool(other))
        return value

    def _and(self, tokens: _Tokens) -> Any:
        value = self._comparison(tokens)
        while tokens.peek("&&"):
            tokens.take()
            other = self._comparison(tokens)
            value = _unknown_of(value, other) or (bool(value) and bool(other))
        return value

    def _comparison(self, tokens: _Tokens) -> Any:
        left = self._sum(tokens)
        for operator in ("==", "!=", ">=", "<=", ">", "<"):
            if tokens.peek(operator):
                tokens.take()
                right = self._sum(tokens)
                unknown = _unknown_of(left, right)
                if unknown is not None:
                    return unknown
                if operator == "==":
                    return left == right
                if operator == "!=":
                    return left != right
                return {
                    ">=": left >= right,
                    "<=": left <= right,
                    ">": left > right,
                    "<": left < right,
                }[operator]
        return left

    def _sum(self, tokens: _Tokens) -> Any:
        value = self._unary(tokens)
        while tokens.peek("+") or tokens.peek("-") or tokens.peek("*"):
            operator = tokens.take()[1]
            other = self._unary(tokens)
            unknown = _unknown_of(value, other)
            if unknown is not None:
                value = unknown
            elif operator == "+":
                value = value + other
            elif operator == "-":
                value = value - other
            else:
                value = value * other
        return value

    def _unary(self, tokens: _Tokens) -> Any:
        if tokens.peek("!"):
            tokens.take()
            value = self._unary(tokens)
            return value if isinstance(value, Unknown) else not value
        if tokens.peek("-"):
            tokens.take()
            value = self._unary(tokens)
            return value if isinstance(value, Unknown) else -value
        return self._postfix(tokens)

    def _postfix(self, tokens: _Tokens) -> Any:
        kind, word = tokens.items[tokens.index] if tokens.peek() else ("", "")
        if kind == "name" and word not in ("true", "false", "null") and not _is_call(tokens):
            return self._traversal(tokens)
        value = self._primary(tokens)
        while tokens.peek(".") or tokens.peek("["):
            value = self._step(tokens, value)
        return value

    def _step(self, tokens: _Tokens, value: Any) -> Any:
        if tokens.peek("."):
            tokens.take()
            key: Any = tokens.take()[1]
            if isinstance(value, list) and str(key).isdigit():
                key = int(key)
        else:
            tokens.take("[")
            key = self._conditional(tokens)
            tokens.take("]")
        if isinstance(value, (Unknown, Reference)):
            return value
        if isinstance(key, Unknown):
            return key
        try:
            return value[key]
        except (KeyError, IndexError, TypeError):
            return Unknown(f"no element {key!r}")

    def _traversal(self, tokens: _Tokens) -> Any:
        root = tokens.take()[1]
        names = [root]
        # How many dotted names make the address: var.X, local.X and iterator.value
        # take two, module.NAME.OUTPUT three, data.TYPE.NAME.ATTR four, and a
        # resource TYPE.NAME.ATTR three; the rest is attribute access below.
        if root in ("var", "local") or root in self._scope:
            length = 2
        else:
            length = 4 if root == "data" else 3
        while len(names) < length and tokens.peek(".") and _name_follows(tokens):
            tokens.take(".")
            names.append(tokens.take()[1])
        value: Any
        if root == "var":
            value = self._variables.get(names[1], Unknown(f"var.{names[1]} is not declared"))
        elif root == "local":
            value = self._local(names[1])
        elif root in self._scope:
            bound = self._scope[root]
            value = (
                bound
                if len(names) == 1
                else (
                    bound.get(names[1], Unknown(f"{root}.{names[1]}"))
                    if isinstance(bound, dict)
                    else Unknown(root)
                )
            )
        elif root == "module" and len(names) == 3 and self._outputs is not None:
            value = self._outputs(names[1], names[2])
        elif root in _ROOTS_UNKNOWN:
            value = Unknown(f"{'.'.join(names)} is only known at plan time")
        elif root == "data":
            value = Reference(".".join(names[:3]), ".".join(names[3:]), self._module)
        elif len(names) >= 2:
            value = Reference(".".join(names[:2]), ".".join(names[2:]), self._module)
        else:
            value = Unknown(f"{root} is not a value")
        while tokens.peek(".") or tokens.peek("["):
            value = self._step(tokens, value)
        return value

    def _primary(self, tokens: _Tokens) -> Any:
        kind, word = tokens.take()
        if kind == "number":
            return float(word) if "." in word else int(word)
        if kind == "string":
            return self.template(json.loads(word))
        if word in ("true", "false"):
            return word == "true"
        if word == "null":
            return None
        if word == "(":
            value = self._conditional(tokens)
            tokens.take(")")
            return value
        if word == "[":
            items = []
            while not tokens.peek("]"):
                items.append(self._conditional(tokens))
                if tokens.peek(","):
                    tokens.take()
            tokens.take("]")
            return items
        if word == "{":
            result: dict[str, Any] = {}
            while not tokens.peek("}"):
                key_kind, key = tokens.take()
                name = json.loads(key) if key_kind == "string" else key
                if tokens.peek("=") or tokens.peek(":"):
                    tokens.take()
                result[str(name)] = self._conditional(tokens)
                if tokens.peek(","):
                    tokens.take()
            tokens.take("}")
            return result
        if kind == "name" and tokens.peek("("):
            return self._call(word, tokens)
        raise ValueError(f"unexpected {word!r}")

    def _call(self, name: str, tokens: _Tokens) -> Any:
        tokens.take("(")
        arguments = []
        while not tokens.peek(")"):
            arguments.append(self._conditional(tokens))
            if tokens.peek(","):
                tokens.take()
            if tokens.peek("..."):
                tokens.take()
        tokens.take(")")
        return _call(name, arguments)


def _name_follows(tokens: _Tokens) -> bool:
    """The token after the dot is a name or an index number (``a.b``, ``list.0``)."""
    following = tokens.index + 1
    if following >= len(tokens.items):
        return False
    kind, word = tokens.items[following]
    return kind == "name" or word.isdigit()


def _is_call(tokens: _Tokens) -> bool:
    following = tokens.index + 1
    return following < len(tokens.items) and tokens.items[following][1] == "("


def _unknown_of(*values: Any) -> Unknown | None:
    for value in values:
        if isinstance(value, Unknown):
            return value
        if isinstance(value, Reference):
            return Unknown(f"{value} is only known after apply")
    return None


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _call(name: str, arguments: list[Any]) -> Any:
    if name == "try":
        return next((a for a in arguments if is_known(a)), Unknown("try(): no argument is known"))
    if name == "coalesce":
        return next((a for a in arguments if a not in (None, "")), None)
    if name == "lookup":
        mapping, key = arguments[0], arguments[1]
        default = arguments[2] if len(arguments) > 2 else Unknown("lookup() without default")
        if isinstance(mapping, (Unknown, Reference)) or isinstance(key, Unknown):
            return _unknown_of(mapping, key)
        return (
            mapping.get(key, default)
            if isinstance(mapping, dict)
            else Unknown("lookup() on a non-map")
        )
    if name == "jsonencode":
        return arguments[0]  # the structure itself: checks read policies as objects
    if name == "object" and arguments and isinstance(arguments[0], dict):
        return arguments[0]  # a type constraint: its attributes, for optional() defaults
    if name == "optional":
        return {OPTIONAL_DEFAULT: arguments[1] if len(arguments) > 1 else None}
    unknown = _unknown_of(*arguments)
    if unknown is not None:
        return unknown
    if name == "length":
        return len(arguments[0])
    if name == "tostring":
        return _to_string(arguments[0])
    if name == "tonumber":
        return float(arguments[0]) if "." in str(arguments[0]) else int(arguments[0])
    if name == "tobool":
        return arguments[0] in (True, "true")
    if name == "concat":
        return [item for argument in arguments for item in argument]
    if name == "merge":
        merged: dict[str, Any] = {}
        for argument in arguments:
            merged.update(argument)
        return merged
    if name == "jsondecode":
        return json.loads(arguments[0])
    return Unknown(f"{name}() is not evaluated statically")


def _split_template(text: str) -> list[tuple[str, str]]:
    """('text', ...) and ('expr', ...) parts of a template, braces balanced."""
    parts: list[tuple[str, str]] = []
    position = 0
    while True:
        start = text.find("${", position)
        if start < 0:
            if position < len(text):
                parts.append(("text", text[position:]))
            return parts
        if start > position:
            parts.append(("text", text[position:start]))
        depth, index, quoted = 1, start + 2, False
        while index < len(text) and depth:
            char = text[index]
            if char == '"' and text[index - 1] != "\\":
                quoted = not quoted
            elif not quoted and char == "{":
                depth += 1
            elif not quoted and char == "}":
                depth -= 1
            index += 1
        parts.append(("expr", text[start + 2 : index - 1]))
        position = index
