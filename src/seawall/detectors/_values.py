"""Small, shared judgements about whether a value looks like a real credential.

Used where a check must tell a placeholder (``changeme``, ``<token>``,
``${DB_PASSWORD}``) from a value that looks real, without ever reporting it.
"""

from __future__ import annotations

import math
import re
import urllib.parse

__all__ = ["is_placeholder", "is_sensitive_name", "looks_like_credential", "shannon_entropy"]

_PLACEHOLDER = re.compile(
    r"""^(?:
        |changeme|change[-_ ]?me|change[-_ ]?this|replace[-_ ]?me|to[-_ ]?do|tbd|fixme
        |x{3,}|\*{3,}|\.{3}|-+|n/?a|none|null|nil|empty|redacted|secret|password|token
        |<[^>]*>|\[[^\]]*\]|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]*\}\}|%\([^)]*\)s
        |\{[A-Za-z_0-9]*\}(?:\\[nrt])?|%s
        |your[-_ ].*|my[-_].*|example.*|.*[-_.]example|placeholder.*|dummy.*|fake.*|sample.*
        |insert[-_ ].*|put[-_ ].*here|set[-_ ]?me|test|testing
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_SENSITIVE_NAME = re.compile(
    r"pass(?:word|wd|phrase)?|secret|token|api[-_]?key|apikey|private[-_]?key|credential"
    r"|auth|access[-_]?key|(?:^|[-_])key$|dsn|salt|signing|session[-_]?key|cookie",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s/]+)@")
_KNOWN_PREFIX = re.compile(
    r"^(?:AKIA|ASIA)[0-9A-Z]{16}$|^gh[pousr]_[A-Za-z0-9]{30,}|^github_pat_|^xox[abposr]-"
    r"|^sk_live_|^rk_live_|^sk-[A-Za-z0-9_-]{20,}|^glpat-|^-----BEGIN|^eyJ[A-Za-z0-9_-]{10,}\."
)


def shannon_entropy(value: str) -> float:
    """Bits of entropy per character of ``value``."""
    length = len(value)
    if not length:
        return 0.0
    # H = log2(L) - sum(n log2 n) / L, with n log2 n from a table and the counts
    # from str.count: every step runs in C, several times faster than a Counter.
    counts = map(value.count, set(value))
    if length < len(_N_LOG_N):
        total = sum(map(_N_LOG_N.__getitem__, counts))
    else:
        total = sum(n * math.log2(n) for n in counts)
    return math.log2(length) - total / length


_N_LOG_N = [0.0] + [n * math.log2(n) for n in range(1, 4097)]


# Words that make up test and documentation credentials ("user:pass", "foo:bar",
# "test123"): a value made only of these is a stand-in, not a secret.
_STAND_IN_WORDS = frozenset(
    "pass password passwd pwd secret user username login test testing tester foo bar baz qux "
    "example sample dummy fake admin root guest demo changeme hunter2 letmein qwerty abc abc123 "
    "123 1234 12345 123456 secret123 password123 pass123 passw0rd p4ssw0rd p4ssword mypassword "
    "mysecret xxx none null token key value my your their u p pw".split()
)
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")


def is_placeholder(value: str) -> bool:
    """True for empty values, template markers and obvious stand-ins."""
    value = value.strip().strip("\"'")
    if _PLACEHOLDER.match(value):
        return True
    words = [w for w in _WORD_SPLIT.split(urllib.parse.unquote(value).lower()) if w]
    return bool(words) and all(word in _STAND_IN_WORDS for word in words)


def is_sensitive_name(name: str) -> bool:
    """True for variable names that usually hold credentials."""
    return bool(_SENSITIVE_NAME.search(name))


def looks_like_credential(value: str) -> bool:
    """A URL with a real password, a known token prefix, or a long high-entropy string."""
    value = value.strip()
    if "://" in value and " " not in value:  # a URL: only its password part can be a secret
        url = _URL_PASSWORD.search(value)
        return url is not None and not is_placeholder(url.group(1))
    if _KNOWN_PREFIX.search(value):
        return True
    if len(value) >= 20 and " " not in value and not value.startswith("/"):
        classes = sum(
            (any(c.islower() for c in value), any(c.isupper() for c in value),
             any(c.isdigit() for c in value))
        )  # fmt: skip
        return classes >= 2 and shannon_entropy(value) >= 3.5
    return False
