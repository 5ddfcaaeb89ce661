"""The secret detector: one compiled multi-pattern matcher over the whole rule pack.

Pipeline for one blob of bytes:

1. Prefilter: Hyperscan scans the blob once against every rule (prefilter mode,
   single match per rule) and says which rules may match. Where no Hyperscan
   wheel exists, a pyahocorasick automaton over the rules' keywords does it.
2. Extract: google-re2 runs only the rules the prefilter named, over the blob.
3. Judge: entropy floor, the rule's allow list, placeholders, a validator
   (checksums, decodable JWTs, key bodies, generic key-name judgement), and
   inline ``seawall: allow`` markers.
4. Decode: base64, percent- and hex-encoded runs are decoded (bounded in size
   and depth) and the decoded text goes through the same pipeline.

No hit carries a secret value: only a salted, stretched hash for identity, a
4-character preview and the length.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import platform
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import re2

from seawall._artefacts import read_artefact, write_artefact
from seawall._model import Severity
from seawall.detectors._rules import SecretRule, load_rules, rule_pack_hash
from seawall.detectors._validators import Verdict, generic_value, validate
from seawall.detectors._values import is_placeholder, shannon_entropy

__all__ = [
    "CODE_SUFFIXES",
    "SecretDetector",
    "SecretHit",
    "default_detector",
    "path_suffix",
    "secret_hash",
]

hyperscan: Any
try:  # Hyperscan wheels exist for x86-64 Linux; elsewhere the keyword prefilter is used.
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None

# Source-code suffixes: assignments in code need a quoted literal to count.
CODE_SUFFIXES = frozenset(
    [
        ".py",
        ".pyi",
        ".js",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".jsx",
        ".go",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".rb",
        ".php",
        ".cs",
        ".rs",
        ".c",
        ".cc",
        ".cpp",
        ".h",
        ".hpp",
        ".swift",
        ".m",
        ".dart",
        ".lua",
        ".groovy",
        ".r",
        ".jl",
        ".ex",
        ".exs",
        ".erl",
        ".clj",
        ".vue",
        ".svelte",
    ]
)
_ALLOW_MARKERS = (
    b"seawall: allow",
    b"seawall:allow",
    b"gitleaks:allow",
    b"pragma: allowlist secret",
)
_IGNORE = re.compile(rb"seawall:\s*ignore\[([^\]]*)\]\s*([^\n]*)", re.IGNORECASE)
# Encoded runs worth decoding: only runs that decode to ASCII can pass `_printable`,
# and that shows in the encoding itself. In base64, each 4-character group of
# ASCII bytes has a first character worth < 32 ([A-Za-f]: the first byte's high
# bit is 0), a second worth < 8 mod 16 (the second byte's high bit) and a third
# worth 0 or 1 mod 4 (the third byte's high bit); in hex, each byte's first digit
# is 0-7. So the finders match only maximal runs made of such groups: a
# certificate's DER, image data and hex digests drop out at C speed instead of
# being decoded run by run in Python. A finder's match that stops before the end
# of its run (the next byte is still in the alphabet) met a non-ASCII group and is
# skipped, as decoding the whole run would have rejected it. Hyperscan's hint for
# hex is the finder's run itself (twenty ASCII bytes), which leaves out the many
# files with only digests; for base64 it is any 32-character run, because the
# group-by-group pattern costs Hyperscan more than the finder saves (measured).
_B64_QUAD = rb"[A-Za-f][A-HQ-Xg-nw-z0-3][ABEFIJMNQRUVYZcdghklopstwx014589][A-Za-z0-9+/]"
_B64_TAIL = rb"(?:[A-Za-f](?:[A-HQ-Xg-nw-z0-3][A-Za-z0-9+/]|[A-Za-z0-9+/]))?"
_HEX_ASCII_BYTE = rb"[0-7][0-9a-fA-F]"


@dataclass(frozen=True)
class _EncodedRun:
    """One encoding Seawall decodes: Hyperscan's hint, the run finder, the run alphabet."""

    encoding: str
    hint: bytes
    finder: Any  # an RE2 regex whose group 1 is the run
    alphabet: frozenset[int]  # a run is maximal when the byte after it is not one of these


_ENCODED_RUNS = (
    _EncodedRun(
        "hex",
        rb"(?:" + _HEX_ASCII_BYTE + rb"){20,}",
        re2.compile(rb"(?:^|[^0-9A-Za-z_])((?:" + _HEX_ASCII_BYTE + rb"){20,})"),
        frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"),
    ),
    _EncodedRun(
        "base64",
        rb"[A-Za-z0-9+/]{32,}",
        re2.compile(rb"(?:^|[^A-Za-z0-9+/])((?:" + _B64_QUAD + rb"){8,}" + _B64_TAIL + b")"),
        frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
    ),
    _EncodedRun(
        "percent",
        rb"%[0-9A-Fa-f]{2}[A-Za-z0-9._~+\-]{0,40}%[0-9A-Fa-f]{2}[A-Za-z0-9._~+\-]{0,40}%[0-9A-Fa-f]{2}",
        re2.compile(rb"((?:[A-Za-z0-9._~+\-]*%[0-9A-Fa-f]{2}){3,}[A-Za-z0-9._~+\-]*)"),
        frozenset(),  # the finder's greedy tail already takes the whole run
    ),
)
_DIGITS = b"0123456789"
_MAX_DECODE_DEPTH = 1
_MAX_DECODED_BYTES = 1 << 20
_MAX_DECODED_SEGMENTS = 256
_HASH_SALT = b"seawall/secret-identity/v1"
_HASH_ITERATIONS = 1_000
_GLOBAL_ENTROPY_FLOOR = 2.0
# Values providers publish in their documentation (AWS ends its examples so).
_DOCUMENTED_EXAMPLE = re.compile(r"EXAMPLE(?:KEY)?$|^(?:AKIAIOSFODNN7|wJalrXUtnFEMI)")


@dataclass(frozen=True)
class SecretHit:
    """One detected secret in one blob (no value: a hash, a preview, a length)."""

    rule_id: str
    line: int
    end_line: int
    secret_hash: str
    preview: str
    length: int
    verdict: str
    encoding: str | None = None
    ignore_ids: tuple[str, ...] = ()
    ignore_reason: str | None = None
    member: str | None = None  # the archive member it is in, for a history blob that is one

    def to_row(self) -> list[Any]:
        """Compact JSON-able form for the cache."""
        return [
            self.rule_id, self.line, self.end_line, self.secret_hash, self.preview,
            self.length, self.verdict, self.encoding, list(self.ignore_ids), self.ignore_reason,
            self.member,
        ]  # fmt: skip

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> SecretHit:
        """Inverse of :meth:`to_row` (rows cached before ``member`` existed have ten fields)."""
        return cls(
            row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], tuple(row[8]), row[9],
            row[10] if len(row) > 10 else None,
        )  # fmt: skip


@cache
def secret_hash(value: str) -> str:
    """A stretched, salted hash that identifies a secret without revealing it.

    Stretching (PBKDF2) makes guessing a weak password from a fingerprint or a
    baseline file expensive; the salt is fixed so fingerprints agree across
    machines and baselines can be shared.
    """
    digest = hashlib.pbkdf2_hmac("sha256", value.encode("utf-8"), _HASH_SALT, _HASH_ITERATIONS)
    return digest[:16].hex()


def _preview(value: str) -> str:
    return value[:4] + "…"


class _LineIndex:
    """Line numbers for offsets: counting newlines at C speed beats building an index
    for the few hits a blob has."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def line_of(self, offset: int) -> int:
        return self._data.count(b"\n", 0, offset) + 1

    def count_newlines(self, start: int, end: int) -> int:
        return self._data.count(b"\n", start, end)

    def line_around(self, offset: int) -> tuple[bytes, bytes]:
        """The text of the line holding ``offset`` and of the line before it."""
        data = self._data
        start = data.rfind(b"\n", 0, offset) + 1
        end = data.find(b"\n", offset)
        line = data[start : end if end != -1 else len(data)]
        if start == 0:
            return line, b""
        previous_start = data.rfind(b"\n", 0, start - 1) + 1
        return line, data[previous_start : start - 1]


class _Anchor:
    """Where a decoded segment sits in its blob; its line is counted only if it has a hit."""

    def __init__(self, lines: _LineIndex, offset: int) -> None:
        self._lines = lines
        self._offset = offset
        self._line: int | None = None

    @property
    def line(self) -> int:
        if self._line is None:
            self._line = self._lines.line_of(self._offset)
        return self._line


class _Prefilter:
    """Which rules may match a blob: Hyperscan when available, else Aho-Corasick keywords.

    Compiling the Hyperscan database takes about a second, so the compiled form
    is saved in the cache folder (keyed by rule pack, Hyperscan version and
    machine) and loaded in under a millisecond afterwards, also by workers.
    """

    def __init__(
        self, rules: Sequence[SecretRule], backend: str, serialized: bytes | None = None
    ) -> None:
        self.backend = backend
        self._rules = rules
        self.serialized: bytes | None = None
        # Rules this prefilter never names: their path decides (SecretDetector). With
        # Hyperscan, rules limited to some paths (.pgpass, .netrc, ...) stay out of the
        # database: a pattern without a literal (a .pgpass line) would cost Hyperscan a
        # fifth of its time on every other file.
        self.path_decides = frozenset(
            index for index, rule in enumerate(rules) if rule.paths and backend == "hyperscan"
        )
        if backend == "hyperscan" and serialized is not None:
            try:
                self._database = hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
                self._scratch = hyperscan.Scratch(self._database)
                self.serialized = serialized
                return
            except Exception:  # noqa: S110 - a stale or foreign database: compile anew
                pass
        if backend == "hyperscan":
            self._database = hyperscan.Database()
            ids = [index for index in range(len(rules)) if index not in self.path_decides]
            expressions = [rules[index].pattern.encode() for index in ids]
            ids += [len(rules) + offset for offset in range(len(_ENCODED_RUNS))]
            expressions += [run.hint for run in _ENCODED_RUNS]
            self._database.compile(
                expressions=expressions,
                ids=ids,
                elements=len(expressions),
                flags=[hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH]
                * len(expressions),
            )
            self._scratch = hyperscan.Scratch(self._database)
            self.serialized = hyperscan.dumpb(self._database)
        else:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            by_keyword: dict[str, set[int]] = {}
            for index, rule in enumerate(rules):
                for keyword in rule.keywords:
                    by_keyword.setdefault(keyword, set()).add(index)
            for keyword, indexes in by_keyword.items():
                automaton.add_word(keyword, frozenset(indexes))
            automaton.make_automaton()
            self._automaton = automaton

    def candidates(self, data: bytes) -> set[int]:
        """Rule indexes that may match; indexes past the rules name encoded-run kinds."""
        found: set[int] = set()
        if self.backend == "hyperscan":

            def on_match(rule_index: int, start: int, end: int, flags: int, context: Any) -> None:
                found.add(rule_index)

            self._database.scan(data, match_event_handler=on_match, scratch=self._scratch)
            return found
        text = data.decode("latin-1").lower()
        for _, indexes in self._automaton.iter(text):
            found |= indexes
        # Without Hyperscan every encoded-run pass runs (the regexes decide).
        found.update(range(len(self._rules), len(self._rules) + len(_ENCODED_RUNS)))
        return found


class SecretDetector:
    """The compiled rule pack; build once per process (see :func:`default_detector`)."""

    def __init__(
        self,
        rules: Sequence[SecretRule] | None = None,
        backend: str = "auto",
        serialized: bytes | None = None,
    ) -> None:
        self.rules = tuple(rules if rules is not None else load_rules())
        if backend == "auto":
            backend = "hyperscan" if hyperscan is not None else "keywords"
        self.backend = backend
        self._prefilter = _Prefilter(self.rules, backend, serialized)
        self._regexes: list[Any] = [None] * len(self.rules)  # compiled on first use
        self._allow = [[re2.compile(pattern) for pattern in rule.allow] for rule in self.rules]
        self.pack_hash = rule_pack_hash() if rules is None else "custom"
        self._extra_allow: Sequence[Any] = ()
        self._path = ""
        self._paths = [re.compile(rule.paths) if rule.paths else None for rule in self.rules]
        # The rules the prefilter leaves to their path; one search says whether any
        # applies (most paths match none).
        self._path_limits = [
            (i, limit)
            for i, limit in enumerate(self._paths)
            if limit is not None and i in self._prefilter.path_decides
        ]
        self._any_path_limit = (
            re.compile("|".join(f"(?:{self.rules[i].paths})" for i, _ in self._path_limits))
            if self._path_limits
            else None
        )
        self._path_rule_memo: tuple[str | None, list[int]] = (None, [])

    @property
    def serialized(self) -> bytes | None:
        """The compiled Hyperscan database, to hand to worker processes."""
        return self._prefilter.serialized

    def _path_rules(self) -> list[int]:
        """The rules left to their path whose path matches the current file."""
        if self._path_rule_memo[0] != self._path:
            matching = []
            if self._any_path_limit is not None and self._any_path_limit.search(self._path):
                matching = [i for i, limit in self._path_limits if limit.search(self._path)]
            self._path_rule_memo = (self._path, matching)
        return self._path_rule_memo[1]

    def _candidates(self, text: bytes) -> set[int]:
        """The rules the prefilter names for ``text``, and those the path decides."""
        candidates = self._prefilter.candidates(text)
        candidates.update(self._path_rules())
        return candidates

    def scan(
        self,
        data: bytes,
        path: str = "",
        allow: Sequence[Any] = (),
        windows: Sequence[tuple[int, int]] | None = None,
    ) -> list[SecretHit]:
        """Every secret in ``data`` (one per distinct secret, best rule first).

        ``allow`` holds extra compiled regexes; a secret matching one is dropped.
        ``windows``: match only within these byte ranges of ``data`` (the rest is
        still context: word boundaries, line numbers, inline markers).
        """
        code_file = path_suffix(path) in CODE_SUFFIXES
        self._extra_allow = allow
        self._path = path
        if windows is None:
            hits = self._scan(data, code_file, depth=0, encoding=None, anchor_line=None)
        else:
            # A window starts at a line start: a match may take the newline before it,
            # as patterns that begin with (?:^|[^...]) do in the whole blob.
            spans = [(max(0, start - 1), end) for start, end in windows]
            # One prefilter pass over the windows joined by newlines names the rules
            # that may match in any of them (a superset for each); most name none.
            candidates = self._candidates(b"\n".join(data[s:e] for s, e in spans))
            hits = []
            if candidates:
                for start, end in spans:
                    hits += self._scan(data, code_file, 0, None, None, start, end, candidates)
        return _dedupe(hits, self.rules)

    # -- internals -------------------------------------------------------------------

    def _scan(
        self,
        data: bytes,
        code_file: bool,
        depth: int,
        encoding: str | None,
        anchor_line: _Anchor | None,
        start: int = 0,
        end: int | None = None,
        candidates: set[int] | None = None,
    ) -> list[tuple[int, int, int, SecretHit]]:
        """Hits with (rule index, start, end) for overlap resolution, from the matches
        that lie within ``data[start:end]`` (``candidates``: the rules a prefilter named
        for that range already)."""
        results: list[tuple[int, int, int, SecretHit]] = []
        lines = _LineIndex(data)
        end = len(data) if end is None else min(end, len(data))
        if candidates is None:
            candidates = self._candidates(data)
        rule_count = len(self.rules)
        for index in sorted(candidates):
            if index >= rule_count:
                continue
            rule = self.rules[index]
            limit = self._paths[index]
            if limit is not None and not limit.search(self._path):
                continue
            regex = self._regexes[index]
            if regex is None:
                regex = self._regexes[index] = _compile(rule.pattern)
            for match in regex.finditer(data, start, end):
                hit = self._judge(rule, index, match, lines, code_file, encoding, anchor_line)
                if hit is not None:
                    results.append((index, match.start(), match.end(), hit))
        if depth < _MAX_DECODE_DEPTH:
            kinds = [_ENCODED_RUNS[i - rule_count] for i in sorted(candidates) if i >= rule_count]
            results.extend(
                self._decoded(data, kinds, code_file, depth, lines, anchor_line, start, end)
            )
        return results

    def _accept(
        self, rule: SecretRule, index: int, match: Any, code_file: bool, extra_allow: Sequence[Any]
    ) -> Verdict | None:
        """The verdict on one regex match, or None when it is not a secret."""
        group = match.lastindex or 0
        raw = match.group(group) if group else match.group(0)
        if raw is None:
            return None
        secret = raw.decode("utf-8", errors="replace").strip().strip("\"'\x60")
        if len(secret) < 4:
            return None
        entropy = shannon_entropy(secret)
        if (rule.entropy is not None and entropy < rule.entropy) or (
            entropy < _GLOBAL_ENTROPY_FLOOR and "private-key" not in rule.tags
        ):
            return None
        if is_placeholder(secret) or any(a.search(secret) for a in self._allow[index]):
            return None
        if any(a.search(secret) for a in extra_allow) or _DOCUMENTED_EXAMPLE.search(secret):
            return None
        verdict = Verdict.UNKNOWN
        if code_file and "config-only" in rule.tags:
            return None
        if rule.validator == "generic-value":
            quoted = group >= 2 and match.group(2) is not None and rule.id == "generic-credential"
            name = match.group(1).decode("latin-1") if group >= 2 else ""
            verdict = generic_value(
                name, secret, quoted or rule.id != "generic-credential", code_file
            )
        elif rule.validator is not None:
            verdict = validate(rule.validator, secret)
        return None if verdict is Verdict.INVALID else verdict

    def spans(self, data: bytes, candidates: Iterable[int]) -> list[tuple[str, int, int]]:
        """(rule id, start, end) byte spans of the secrets in ``data`` (redaction).

        ``candidates`` are the rule indexes a prefilter named. No line numbers,
        no decoding, no inline markers: a log line is redacted whatever it says.
        """
        found: list[tuple[str, int, int]] = []
        for index in candidates:
            rule = self.rules[index]
            regex = self._regexes[index]
            if regex is None:
                regex = self._regexes[index] = _compile(rule.pattern)
            for match in regex.finditer(data):
                if self._accept(rule, index, match, False, ()) is None:
                    continue
                group = match.lastindex or 0
                found.append((rule.id, match.start(group), match.end(group)))
        return found

    def _judge(
        self,
        rule: SecretRule,
        index: int,
        match: Any,
        lines: _LineIndex,
        code_file: bool,
        encoding: str | None,
        anchor_line: _Anchor | None,
    ) -> SecretHit | None:
        verdict = self._accept(rule, index, match, code_file, self._extra_allow)
        if verdict is None:
            return None
        group = match.lastindex or 0
        raw = match.group(group) if group else match.group(0)
        secret = raw.decode("utf-8", errors="replace").strip().strip("\"'\x60")
        start = match.start(group) if group else match.start()
        end = match.end(group) if group else match.end()
        if anchor_line is None:
            line = lines.line_of(start)
            end_line = line + lines.count_newlines(start, max(start, end - 1))
        else:
            line = end_line = anchor_line.line

        text, previous = lines.line_around(start) if anchor_line is None else (b"", b"")
        if any(marker in text for marker in _ALLOW_MARKERS):
            return None
        ignore_ids: tuple[str, ...] = ()
        ignore_reason: str | None = None
        for candidate in (text, previous):
            found = _IGNORE.search(candidate)
            if found:
                ignore_ids = tuple(
                    i.strip() for i in found.group(1).decode("latin-1").split(",") if i.strip()
                )
                ignore_reason = found.group(2).decode("utf-8", "replace").strip() or None
                break
        return SecretHit(
            rule_id=rule.id,
            line=line,
            end_line=end_line,
            secret_hash=secret_hash(secret),
            preview=_preview(secret),
            length=len(secret),
            verdict=verdict.value,
            encoding=encoding,
            ignore_ids=ignore_ids,
            ignore_reason=ignore_reason,
        )

    def _decoded(
        self,
        data: bytes,
        kinds: Sequence[_EncodedRun],
        code_file: bool,
        depth: int,
        lines: _LineIndex,
        anchor_line: _Anchor | None,
        window_start: int,
        window_end: int,
    ) -> Iterable[tuple[int, int, int, SecretHit]]:
        budget = _MAX_DECODED_BYTES
        segments = 0
        for kind in kinds:
            encoding = kind.encoding
            for run_start, text in _ascii_runs(kind, data, window_start, window_end):
                if segments >= _MAX_DECODED_SEGMENTS or budget <= 0:
                    return
                if encoding == "base64" and not _mixed(text):
                    continue  # an identifier or a hex digest, not base64 of text
                decoded = _decode(encoding, text)
                if decoded is None or not _printable(decoded):
                    continue
                segments += 1
                budget -= len(decoded)
                anchor = anchor_line if anchor_line is not None else _Anchor(lines, run_start)
                for index, start, end, hit in self._scan(
                    decoded, code_file, depth + 1, encoding, anchor
                ):
                    # Offsets inside the decoded text, shifted past the blob so they
                    # only overlap hits from the same encoded run.
                    base = (run_start + 1) << 32
                    yield index, base + start, base + end, hit


def _ascii_runs(
    kind: _EncodedRun, data: bytes, window_start: int = 0, window_end: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """(offset, run) of each maximal run of ``kind`` in ``data[window_start:window_end]``
    that may decode to ASCII."""
    alphabet, size = kind.alphabet, len(data)
    for run in kind.finder.finditer(data, window_start, window_end):
        start, end = run.span(1)
        if end < size and data[end] in alphabet:
            continue  # a non-ASCII group further on: the whole run decodes to binary
        yield start, data[start:end]


_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = b"abcdefghijklmnopqrstuvwxyz"


def _mixed(text: bytes) -> bool:
    """Base64 of text mixes upper case, lower case and digits; names and digests do not."""
    length = len(text)
    return (
        len(text.translate(None, _DIGITS)) != length
        and len(text.translate(None, _UPPER)) != length
        and len(text.translate(None, _LOWER)) != length
    )


def _compile(pattern: str) -> Any:
    options = re2.Options()
    options.max_mem = 64 << 20
    return re2.compile(pattern.encode(), options)


# Memoised: a history names each path once per version (requests: 8,200 blobs, 600 paths).
@lru_cache(maxsize=8192)
def path_suffix(path: str) -> str:
    """The file name's lower-case suffix (``.py``), or "" (also for ``.bashrc``)."""
    name = path.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def _decode(encoding: str, run: bytes) -> bytes | None:
    try:
        if encoding == "base64":
            altchars = b"-_" if (b"-" in run or b"_" in run) else None
            return base64.b64decode(run + b"=" * (-len(run) % 4), altchars=altchars)
        if encoding == "percent":
            if run.count(b"%") < 3:
                return None
            return urllib.parse.unquote_to_bytes(run)
        return binascii.unhexlify(run)
    except (binascii.Error, ValueError):
        return None


_NON_PRINTABLE = re.compile(rb"[^\x20-\x7e\t\r\n]")


def _printable(data: bytes) -> bool:
    # isascii() rejects most decoded binary at C speed before the count.
    if len(data) < 8 or not data.isascii():
        return False
    return len(_NON_PRINTABLE.findall(data)) <= 0.05 * len(data)


def _priority(rule: SecretRule) -> tuple[int, int]:
    # Specific formats beat generic key-name rules; then severity.
    return (0 if rule.is_generic else 1, rule.severity.rank)


def _dedupe(
    hits: list[tuple[int, int, int, SecretHit]], rules: Sequence[SecretRule]
) -> list[SecretHit]:
    """One hit per secret, and per overlapping span the most specific rule."""
    hits.sort(key=lambda h: (h[1], -(h[2] - h[1])))
    kept: list[tuple[int, int, int, SecretHit]] = []
    for candidate in hits:
        index, start, end, hit = candidate
        replaced = False
        for position, (other_index, other_start, other_end, other) in enumerate(kept):
            same_secret = other.secret_hash == hit.secret_hash
            overlaps = start < other_end and other_start < end
            if same_secret or overlaps:
                if _priority(rules[index]) > _priority(rules[other_index]):
                    kept[position] = candidate
                replaced = True
                break
        if not replaced:
            kept.append(candidate)
    return [hit for _, _, _, hit in kept]


_DETECTORS: dict[str, SecretDetector] = {}


# Which expressions the database holds, besides the rule pack: bumped when that changes
# (2: path-limited rules left out, ASCII-only hex hint), so no older database is loaded.
_DATABASE_LAYOUT = 2


def _database_file(cache_dir: Path) -> Path:
    version = getattr(hyperscan, "__version__", "0") if hyperscan is not None else "none"
    tag = f"{rule_pack_hash()}-{_DATABASE_LAYOUT}-{version}-{platform.machine()}"
    return cache_dir / f"hyperscan-{tag}.db"


def default_detector(
    backend: str = "auto", cache_dir: Path | None = None, serialized: bytes | None = None
) -> SecretDetector:
    """The bundled rule pack compiled once per process (and once per machine, via the cache)."""
    detector = _DETECTORS.get(backend)
    if detector is not None:
        return detector
    database_file = _database_file(cache_dir) if cache_dir is not None else None
    if serialized is None and database_file is not None:
        serialized = read_artefact(database_file)
    detector = SecretDetector(backend=backend, serialized=serialized)
    fresh = detector.serialized
    if database_file is not None and fresh is not None and fresh != serialized:
        # One database per rule-pack version: the older ones go (see _artefacts).
        write_artefact(database_file, fresh, "hyperscan", keep=3)
    _DETECTORS[backend] = detector
    return detector


def severity_for(rule: SecretRule, verdict: str) -> Severity:
    """A checksum mismatch lowers a finding to low: usually a fake or test token."""
    return Severity.LOW if verdict == Verdict.WEAK.value else rule.severity
