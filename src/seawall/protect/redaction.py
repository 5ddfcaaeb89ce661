"""Redaction of secrets, credentials and PII from text and structured data (MI-2).

One Hyperscan pass per record over a database of the secret rule pack and the
redaction patterns' hints decides which patterns can match; a record that
matches none (most log records) is returned as is after that single pass.
Only the named patterns then run, each with its validator (Luhn, mod-97, SSN
area rules, possible phone numbers, the secret rules' entropy and checksums).

Replacements are typed, ``[REDACTED:email]``, and with a ``hash_key`` also
carry a keyed hash, ``[REDACTED:email:3f9a0c1b2d4e]``, so the same value can be
correlated across records without being revealed. Nothing here mutates the
caller's objects: mappings and sequences come back as new objects.
"""

from __future__ import annotations

import hashlib
import hmac
import platform
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from seawall._artefacts import read_artefact, write_artefact
from seawall._cache_dir import default_cache_dir
from seawall.detectors.secrets import SecretDetector, default_detector, hyperscan
from seawall.protect._patterns import (
    DEFAULT_SENSITIVE_KEYS,
    KeyKinds,
    RedactionPattern,
    build_patterns,
)

__all__ = ["DEFAULT_SENSITIVE_KEYS", "Redactor", "default_redactor", "redact", "redact_mapping"]

# Secret rules whose spans a redaction pattern already covers whenever that
# pattern can match: the rule's regex and validators would only find the same
# span again, at several times the cost.
_COVERED_BY: dict[str, frozenset[str]] = {
    "url-password": frozenset(
        {"postgres-uri-password", "mysql-uri-password", "mongodb-uri-password",
         "redis-uri-password", "amqp-uri-password", "ldap-uri-password", "smtp-uri-password",
         "ftp-uri-password", "http-basic-auth-uri", "git-credentials-url",
         "couchbase-uri-password"}
    ),
    "jwt": frozenset({"jwt"}),
    "authorization": frozenset({"authorization-basic", "authorization-bearer"}),
    "key-value": frozenset({"generic-credential", "generic-property-credential"}),
}  # fmt: skip

_MARKER = re.compile(r"\[REDACTED:[a-z0-9\-]+(?::[0-9a-f]{12})?\]")


class _Gate:
    """Which secret rules and redaction patterns can match a record: one Hyperscan scan.

    Without Hyperscan, the secret detector's keyword prefilter names the rules
    and every redaction pattern runs.
    """

    def __init__(
        self,
        detector: SecretDetector | None,
        patterns: Sequence[RedactionPattern],
        cache_dir: Path | None,
    ) -> None:
        self._detector = detector
        self._rule_count = len(detector.rules) if detector is not None else 0
        self._pattern_count = len(patterns)
        self._local = threading.local()
        self._database: Any = None
        if hyperscan is None:
            return
        expressions = [r.pattern.encode() for r in detector.rules] if detector else []
        expressions += [p.hint.encode() for p in patterns]
        self._database = self._load(expressions, cache_dir) or self._compile(expressions, cache_dir)

    @staticmethod
    def _file(expressions: Sequence[bytes], cache_dir: Path) -> Path:
        digest = hashlib.sha256(b"\0".join(expressions))
        digest.update(f"{getattr(hyperscan, '__version__', '0')}-{platform.machine()}".encode())
        return cache_dir / f"redaction-{digest.hexdigest()[:24]}.db"

    def _load(self, expressions: Sequence[bytes], cache_dir: Path | None) -> Any:
        if cache_dir is None:
            return None
        serialized = read_artefact(self._file(expressions, cache_dir))
        if serialized is None:
            return None
        try:
            return hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
        except Exception:  # a stale or foreign database: compile anew
            return None

    def _compile(self, expressions: Sequence[bytes], cache_dir: Path | None) -> Any:
        database = hyperscan.Database()
        database.compile(
            expressions=list(expressions),
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=[hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH] * len(expressions),
        )
        if cache_dir is not None:
            # One database per rule pack and pattern set (each configuration has its own).
            path = self._file(expressions, cache_dir)
            write_artefact(path, hyperscan.dumpb(database), "redaction", keep=8)
        return database

    def candidates(self, data: bytes) -> tuple[Sequence[int], Sequence[int]]:
        """(secret rule indexes, redaction pattern indexes) that may match ``data``."""
        if self._database is None:
            rules = []
            if self._detector is not None:
                rules = [
                    i for i in self._detector._prefilter.candidates(data) if i < self._rule_count
                ]
            return rules, list(range(self._pattern_count))
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:  # Hyperscan scratch space is per thread
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        # A module-level handler with the list as context: no closure per record.
        found: list[int] = []
        self._database.scan(data, match_event_handler=_collect, context=found, scratch=scratch)
        if not found:  # most log records
            return _NOTHING
        count = self._rule_count
        return [i for i in found if i < count], [i - count for i in found if i >= count]


_NOTHING: tuple[Sequence[int], Sequence[int]] = ((), ())


def _collect(index: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(index)


class Redactor:
    """Redacts secrets, credentials and PII; build once and share (thread-safe).

    ``sensitive_keys`` are key names whose values are always redacted in
    mappings and in ``key=value``/``key: value`` text (a key matches when it
    ends with a name). ``hash_key`` adds a keyed hash to each replacement.
    ``secrets=False`` skips the secret rule pack (credential shapes and PII
    are still redacted).
    """

    def __init__(
        self,
        sensitive_keys: Iterable[str] = DEFAULT_SENSITIVE_KEYS,
        *,
        hash_key: bytes | None = None,
        secrets: bool = True,
        cache_dir: Path | None = None,
    ) -> None:
        self._key_kinds = KeyKinds(sensitive_keys)
        self._patterns = build_patterns(self._key_kinds)
        self._hash_key = hash_key
        cache = cache_dir if cache_dir is not None else default_cache_dir()
        self._detector = default_detector(cache_dir=cache) if secrets else None
        self._gate = _Gate(self._detector, self._patterns, cache)
        rule_index = {r.id: i for i, r in enumerate(self._detector.rules)} if self._detector else {}
        self._covered = {
            index: frozenset(rule_index[r] for r in _COVERED_BY.get(p.kind, ()) if r in rule_index)
            for index, p in enumerate(self._patterns)
        }

    # -- text ------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """``text`` with every secret, credential and PII value replaced by a typed marker."""
        if not text:
            return text
        spans = self._spans(text)
        return self._replace(text, spans) if spans else text

    def contains_sensitive(self, text: str) -> list[tuple[str, int, int]]:
        """The (type, start, end) spans :meth:`redact` would replace (no values)."""
        return [(kind, start, end) for start, end, kind in _merge(self._spans(text))]

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, type) of everything to replace, overlapping spans not yet merged."""
        if not text:
            return []
        data = text.encode("utf-8", "surrogateescape")
        rules, patterns = self._gate.candidates(data)
        if not rules and not patterns:
            return []
        spans = self._pattern_spans(text, patterns)
        if rules and patterns:
            covered = frozenset().union(*(self._covered[p] for p in patterns))
            rules = [r for r in rules if r not in covered]
        if rules and self._detector is not None:
            ascii_text = len(data) == len(text)
            for rule_id, start, end in self._detector.spans(data, rules):
                if not ascii_text:  # byte offsets to character offsets
                    start = len(data[:start].decode("utf-8", "surrogateescape"))
                    end = len(data[:end].decode("utf-8", "surrogateescape"))
                spans.append((start, end, rule_id))
        return spans

    def _pattern_spans(self, text: str, indexes: Iterable[int]) -> list[tuple[int, int, str]]:
        spans: list[tuple[int, int, str]] = []
        for index in indexes:
            pattern = self._patterns[index]
            position = 0
            while (match := pattern.regex.search(text, position)) is not None:
                position = match.end() if match.end() > match.start() else match.start() + 1
                kind = pattern.judge(match)
                if kind is None:
                    if pattern.rescan_value:
                        position = match.start(pattern.group)
                    continue
                start, end = match.span(pattern.group)
                if end - start >= 2 and text[start] in "\"'" and text[end - 1] == text[start]:
                    start, end = start + 1, end - 1  # keep the quotes of a quoted value
                if _MARKER.fullmatch(text, start, end):
                    continue  # already redacted upstream
                spans.append((start, end, kind))
        return spans

    def _replace(self, text: str, spans: list[tuple[int, int, str]]) -> str:
        pieces: list[str] = []
        position = 0
        for start, end, kind in _merge(spans):
            pieces.append(text[position:start])
            pieces.append(self._marker(kind, text[start:end]))
            position = end
        pieces.append(text[position:])
        return "".join(pieces)

    def _marker(self, kind: str, value: str) -> str:
        if self._hash_key is None:
            return f"[REDACTED:{kind}]"
        tag = hmac.new(self._hash_key, value.strip().encode(), hashlib.sha256).hexdigest()[:12]
        return f"[REDACTED:{kind}:{tag}]"

    # -- structured data ------------------------------------------------------------

    def key_kind(self, key: str) -> str | None:
        """The replacement type for a sensitive key name, or None for an ordinary key."""
        return self._key_kinds.kind(key)

    def redact_mapping(self, obj: Any) -> Any:
        """A redacted copy of ``obj``: dicts, lists, tuples and sets recursively, strings redacted.

        Values under sensitive keys are replaced whole (even numbers and
        nested objects); other objects are returned unchanged, never
        converted to text.
        """
        return self._copy(obj, set())

    def _copy(self, obj: Any, active: set[int]) -> Any:
        if isinstance(obj, str):
            return self.redact(obj)
        if isinstance(obj, (Mapping, list, tuple, set, frozenset)):
            if id(obj) in active:
                return "[REDACTED:cycle]"
            active.add(id(obj))
            try:
                if isinstance(obj, Mapping):
                    copy: dict[Any, Any] = {}
                    for key, value in obj.items():
                        kind = self.key_kind(key) if isinstance(key, str) else None
                        if kind is not None and _has_value(value):
                            copy[key] = self._marker(kind, str(value))
                        else:
                            copy[key] = self._copy(value, active)
                    return copy
                items = [self._copy(item, active) for item in obj]
                if isinstance(obj, list):
                    return items
                if type(obj) in (tuple, set, frozenset):
                    return type(obj)(items)
                return tuple(items)  # named tuples and subclasses: plain tuples
            finally:
                active.discard(id(obj))
        return obj


def _has_value(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, (str, bytes)):
        return bool(value) and not _MARKER.fullmatch(str(value))
    return True


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans merge into one (the widest first span names it)."""
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_kind = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_kind)
        else:
            merged.append((start, end, kind))
    return merged


_DEFAULT: Redactor | None = None
_DEFAULT_LOCK = threading.Lock()


def default_redactor() -> Redactor:
    """The process-wide redactor with the default keys (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = Redactor()
    return _DEFAULT


def redact(text: str) -> str:
    """Redact ``text`` with the default redactor."""
    return default_redactor().redact(text)


def redact_mapping(obj: Any) -> Any:
    """Redact a copy of ``obj`` with the default redactor."""
    return default_redactor().redact_mapping(obj)
