"""The secret rule pack: loaded from data, validated, and expanded into regexes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from seawall._artefacts import read_artefact, write_artefact
from seawall._cache_dir import default_cache_dir
from seawall._errors import CatalogError
from seawall._model import Severity

__all__ = ["SecretRule", "load_rules", "parse_rules", "rule_pack_hash"]

_HERE = Path(__file__).parent
_REQUIRED = {"id", "description"}
_OPTIONAL = {
    "regex",
    "context",
    "value",
    "keywords",
    "entropy",
    "validator",
    "severity",
    "tags",
    "allow",
    "paths",
}
_ID = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
# A provider word, up to 20 name characters, an assignment, then the value. Mirrors
# how credentials sit in code and config: `STRIPE_KEY = "..."`, `stripe: ...`,
# `"stripeKey": "..."`, `stripe_key => '...'`.
_CONTEXT_TEMPLATE = (
    r"(?i)(?:{context})(?:[ \t\w.\-]{{0,20}})[\s'\"]{{0,3}}"
    r"(?:=|>|:{{1,3}}=|\|\||:|=>|\?=|,)[\x60'\"\s=]{{0,5}}"
    r"({value})(?:[\x60'\"\s;,)\]}}<]|\\[nrt]|$)"
)
VALIDATORS = frozenset({"github-checksum", "jwt", "base64-userpass", "pem-body", "generic-value"})


@dataclass(frozen=True)
class SecretRule:
    """One detection rule; ``pattern`` is the full RE2/Hyperscan expression."""

    id: str
    description: str
    pattern: str
    keywords: tuple[str, ...]
    entropy: float | None
    validator: str | None
    severity: Severity
    tags: tuple[str, ...]
    allow: tuple[str, ...]
    paths: str | None = None  # a regex on the file path this rule is limited to

    @property
    def is_generic(self) -> bool:
        """Generic rules judge by key names; specific rules know the token format."""
        return "generic" in self.tags


def _strings(raw: dict[str, Any], key: str, rule_id: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"secret rule {rule_id}: '{key}' must be a list of strings")
    return tuple(value)


def _parse_rule(raw: dict[str, Any]) -> SecretRule:
    rule_id = str(raw.get("id", "?"))
    unknown = set(raw) - _REQUIRED - _OPTIONAL
    if unknown:
        raise CatalogError(f"secret rule {rule_id}: unknown key(s) {sorted(unknown)}")
    if not set(raw) >= _REQUIRED or not _ID.match(rule_id):
        raise CatalogError(f"secret rule {rule_id}: needs a lower-case id and a description")
    context = _strings(raw, "context", rule_id)
    if ("regex" in raw) == bool(context):
        raise CatalogError(f"secret rule {rule_id}: give either 'regex' or 'context' + 'value'")
    if context:
        if not isinstance(raw.get("value"), str):
            raise CatalogError(f"secret rule {rule_id}: a context rule needs a 'value' shape")
        alternation = "|".join(re.escape(word) for word in context)
        pattern = _CONTEXT_TEMPLATE.format(context=alternation, value=raw["value"])
    else:
        pattern = raw["regex"]
    keywords = _strings(raw, "keywords", rule_id) or tuple(word.lower() for word in context)
    if not keywords or any(k != k.lower() for k in keywords):
        raise CatalogError(f"secret rule {rule_id}: needs lower-case keywords")
    validator = raw.get("validator")
    if validator is not None and validator not in VALIDATORS:
        raise CatalogError(f"secret rule {rule_id}: unknown validator {validator!r}")
    entropy = raw.get("entropy")
    if entropy is not None and not isinstance(entropy, int | float):
        raise CatalogError(f"secret rule {rule_id}: 'entropy' must be a number")
    try:
        severity = Severity(raw.get("severity", "high"))
    except ValueError:
        raise CatalogError(f"secret rule {rule_id}: unknown severity") from None
    return SecretRule(
        id=rule_id,
        description=raw["description"],
        pattern=pattern,
        keywords=keywords,
        entropy=float(entropy) if entropy is not None else None,
        validator=validator,
        severity=severity,
        tags=_strings(raw, "tags", rule_id),
        allow=_strings(raw, "allow", rule_id),
        paths=raw.get("paths"),
    )


def parse_rules(text: str) -> tuple[SecretRule, ...]:
    """Parse and validate rule-pack TOML text."""
    return _validated(_toml(text))


def _toml(text: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"secret rule pack is not valid TOML: {exc}") from exc


def _validated(data: Any) -> tuple[SecretRule, ...]:
    if not isinstance(data, dict) or set(data) != {"rule"} or not isinstance(data["rule"], list):
        raise CatalogError("secret rule pack must hold one 'rule' array")
    rules = tuple(_parse_rule(raw) for raw in data["rule"])
    ids = [rule.id for rule in rules]
    if len(ids) != len(set(ids)):
        raise CatalogError("secret rule ids must be unique")
    return rules


@cache
def _pack_text() -> str:
    return (_HERE / "secret_rules.toml").read_text("utf-8")


@cache
def load_rules() -> tuple[SecretRule, ...]:
    """The bundled rule pack, validated once."""
    data = _parsed_copy()
    if data is not None:
        # A copy that does not validate (edited by hand?): parse the pack anew.
        with contextlib.suppress(CatalogError, TypeError, KeyError, AttributeError, ValueError):
            return _validated(data)
    return _kept()


# Parsing the pack's TOML costs about 20 ms a process, its JSON copy 1 ms: the copy
# is kept in the cache folder (next to the compiled matcher), named like it by the
# rule pack's hash.
def _copy_path() -> Path:
    return default_cache_dir() / f"secret-rules-{rule_pack_hash()}.json"


def _parsed_copy() -> Any:
    """The pack as parsed before, or None (no copy, or one that cannot be read)."""
    text = read_artefact(_copy_path())
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return None


def _kept() -> tuple[SecretRule, ...]:
    """Parse the TOML and keep a JSON copy for the next process (if the folder allows)."""
    data = _toml(_pack_text())
    rules = _validated(data)
    write_artefact(_copy_path(), json.dumps(data).encode("utf-8"), "secret-rules", keep=3)
    return rules


# The detection code is part of the identity too: a changed validator or filter
# must not reuse results cached by the old one.
_DETECTION_MODULES = ("_rules.py", "_validators.py", "_values.py", "secrets.py")


@cache
def rule_pack_hash() -> str:
    """Identifies the rule pack and the detection code; part of every cache key."""
    digest = hashlib.sha256(_pack_text().encode("utf-8"))
    for name in _DETECTION_MODULES:
        digest.update((_HERE / name).read_bytes())
    return digest.hexdigest()[:16]
