"""What log redaction looks for beyond the secret rule pack: PII and credential shapes.

Each pattern has a Python regex that finds the exact span (with lookarounds
and named groups) and a Hyperscan hint without them, so one Hyperscan pass
over a record says which patterns can match at all. The PII validators are the
ones `seawall pii` uses (detectors/pii.py): redaction and discovery agree on
what a card, an SSN, an IBAN or a phone number is.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from seawall.detectors.pii import valid_card, valid_iban, valid_phone, valid_ssn

__all__ = ["DEFAULT_SENSITIVE_KEYS", "PII_KEYS", "KeyKinds", "RedactionPattern", "build_patterns"]

#: Key names whose values are always redacted in structured data and key=value text.
#: A key matches when it ends with one of these (``db_password``, ``X-Api-Key``,
#: ``github_token``), so ``token_count`` or ``password_reset`` are left alone.
DEFAULT_SENSITIVE_KEYS: tuple[str, ...] = (
    "password", "passwd", "pwd", "passphrase", "secret", "token", "api_key", "apikey",
    "access_key", "secret_key", "private_key", "client_secret", "authorization", "auth_token",
    "cookie", "set_cookie", "credential", "credentials", "session_id", "sessionid", "csrf_token",
    "refresh_token", "id_token", "signature", "x_api_key", "dsn", "connection_string",
)  # fmt: skip

#: Keys that name PII: their values are redacted whatever their shape.
PII_KEYS: dict[str, str] = {
    "ssn": "ssn", "social_security_number": "ssn", "card_number": "card", "cc_number": "card",
    "pan": "card", "iban": "iban", "dob": "date-of-birth", "date_of_birth": "date-of-birth",
    "birth_date": "date-of-birth", "birthdate": "date-of-birth", "phone": "phone",
    "phone_number": "phone", "mobile": "phone", "email": "email", "email_address": "email",
    "passport_number": "passport", "national_id": "national-id",
}  # fmt: skip

Check = Callable[[re.Match[str]], str | None]


@dataclass(frozen=True)
class RedactionPattern:
    """One shape to redact: the span regex, a Hyperscan hint, and a judge.

    ``judge`` returns the replacement type for a match (or None to keep it);
    ``group`` names the part of the match that is replaced.
    """

    kind: str
    regex: re.Pattern[str]
    hint: str
    judge: Check
    group: str = "value"
    # After a rejected match, search again from the value: in `failed: key=v`
    # the pair `failed: key=v` is rejected but `key=v` inside it may not be.
    rescan_value: bool = False


def _keys_alternation(keys: Iterable[str]) -> str:
    # `api_key` also matches api-key, api.key and apikey spellings.
    spelled = {re.escape(k.lower()).replace("_", r"[_\-.]?") for k in keys}
    return "|".join(sorted(spelled, key=len, reverse=True))


_NOT_VALUES = frozenset(
    {"", "null", "none", "nil", "true", "false", "undefined", "***", "<redacted>", "redacted"}
)
_REDACTED_ALREADY = re.compile(r"^\[REDACTED|^\*+$|^\$\{[^}]*\}$|^<[^>]*>$")


class KeyKinds:
    """The replacement type a key name calls for (None for an ordinary key).

    Sensitive keys give "secret", cookie and authorization keys their own
    types, PII keys theirs. A key matches when it is a name, ends with
    ``_name`` (``db_password``, ``X-Api-Key``) or is a name without separators.
    """

    def __init__(self, sensitive_keys: Iterable[str]) -> None:
        kinds = {k.lower().replace("-", "_"): "secret" for k in sensitive_keys}
        kinds.update({"cookie": "cookie", "set_cookie": "cookie", "authorization": "authorization"})
        kinds.update(PII_KEYS)
        self.names = tuple(kinds)
        self._kinds = kinds
        # Logs repeat their key names: judge each spelling once.
        self.kind = functools.lru_cache(maxsize=4096)(self._kind)

    def _kind(self, raw: str) -> str | None:
        key = re.sub(r"[\-.\s]", "_", raw.lower()).strip("\"'_")
        compact = key.replace("_", "")
        for name, kind in self._kinds.items():
            if key == name or key.endswith("_" + name) or compact == name:
                return kind
        return None


def _key_value(key_kinds: KeyKinds) -> Check:
    key_kind = key_kinds.kind

    def judge(match: re.Match[str]) -> str | None:
        kind = key_kind(match.group("key"))
        # Header-shaped values (a scheme, several cookies) have their own patterns.
        if kind is None or kind in ("authorization", "cookie"):
            return None
        value = match.group("value").strip("\"'")
        if value.lower() in _NOT_VALUES or _REDACTED_ALREADY.match(value):
            return None
        if "[REDACTED" in value:
            return None  # redacted upstream inside a larger value (a DSN's password)
        return kind

    return judge


def _email(match: re.Match[str]) -> str | None:
    text = match.string
    start = match.start()
    word_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    # user[:password]@host in a URL or an scp-style Git remote is a login, not an address.
    if "://" in text[word_start:start] or match.group("local") == "git":
        return None
    return "email"


def _card(match: re.Match[str]) -> str | None:
    value = match.group("value")
    return "card" if valid_card(value) and not valid_iban(value) else None


def _ssn(match: re.Match[str]) -> str | None:
    return "ssn" if valid_ssn(match.group("value")) else None


def _iban(match: re.Match[str]) -> str | None:
    return "iban" if valid_iban(match.group("value")) else None


def _phone(match: re.Match[str]) -> str | None:
    value = match.group("value")
    digits = sum(c.isdigit() for c in value)
    if value[0] in "+(" and 8 <= digits <= 15:
        return "phone"  # international or bracketed area code: unambiguous in a log
    return "phone" if valid_phone(value) else None


def _basic(match: re.Match[str]) -> str | None:
    # `Basic <base64 of user:password>`; prose like "basic questionnaire" is not.
    try:
        decoded = base64.b64decode(match.group("value"), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return "basic-credentials" if ":" in decoded and decoded.isprintable() else None


def _always(kind: str) -> Check:
    return lambda match: kind


# Values end at whitespace, a separator of the surrounding syntax or a quote.
_VALUE = (
    r"""(?P<value>"(?:[^"\\\n]|\\.){1,4096}"|'(?:[^'\\\n]|\\.){1,4096}'|[^\s,;&)}\]"'<>]{1,4096})"""
)
_PHONE = (
    r"\+\d{1,3}[ .\-]?(?:\(\d{1,4}\)|\d{1,5})(?:[ .\-]?\d{2,5}){1,4}"  # E.164, international
    r"|\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}|\d{3}[.\-]\d{3}[.\-]\d{4}"  # US national
    r"|0\d{2,4}[ \-]\d{3,4}[ \-]?\d{3,4}"  # UK, DE national
    r"|0\d(?:[ .]\d{2}){4}"  # FR national
    r"|\(\d{2}\) ?9?\d{4}-\d{4}"  # BR national
)


def build_patterns(key_kinds: KeyKinds) -> tuple[RedactionPattern, ...]:
    """The redaction patterns for a set of sensitive key names (plus the PII keys)."""
    keys = _keys_alternation(key_kinds.names)
    # Every key=value pair in the record, judged by its key name in Python: one
    # pass without a keyword alternation (which Python's engine tries at every
    # position) is several times faster on real log lines.
    key_value = re.compile(
        rf"""(?<![\w\-.])(?P<key>[A-Za-z_][\w\-.]{{0,63}})["']?[ \t]*(?:=>|:=|=|:)[ \t]*{_VALUE}"""
    )
    return (
        RedactionPattern(
            "authorization",
            re.compile(
                r"""(?i)\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?"""
                r"""(?:(?:bearer|basic|token|digest|negotiate|apikey|aws4-hmac-sha256|sso-key)\s+)?"""
                # The value ends before the next header or key=value; "(?<!\s)" tries
                # that only where a run of spaces starts (inside one, the answer is the
                # same), or each position of a long run would rescan the rest of it.
                r"""(?P<value>[^\s"',][^"'\r\n]*?)(?=["'\r\n]|$|,\s*"|(?<!\s)\s+(?:HTTP|\w+=))"""
            ),
            r"(?i)authorization[\"']?\s*[:=]",
            _always("authorization"),
        ),
        RedactionPattern(
            "cookie",
            re.compile(
                r"""(?i)\b(?:set-)?cookie["']?\s*[:=]\s*["']?(?P<value>[^\s"'][^"'\r\n]*)"""
            ),
            r"(?i)cookie[\"']?\s*[:=]",
            _always("cookie"),
        ),
        RedactionPattern(
            "bearer-token",
            re.compile(r"(?i)\bbearer\s+(?P<value>[A-Za-z0-9._~+/\-]{8,}=*)"),
            r"(?i)bearer\s+[A-Za-z0-9._~+/\-]{8}",
            _always("bearer-token"),
        ),
        RedactionPattern(
            "jwt",
            re.compile(r"\b(?P<value>eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*)"),
            r"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.",
            _always("jwt"),
        ),
        RedactionPattern(
            "url-password",
            # The scheme is bounded: unbounded, a long run of letters before "://"
            # costs Python's engine time quadratic in the run's length.
            re.compile(r"(?i)[a-z][a-z0-9+.\-]{0,31}://[^\s:/@]*:(?P<value>[^\s@/]+)@"),
            r"://[^\s:/@]*:[^\s@/]+@",
            lambda m: None if _REDACTED_ALREADY.match(m.group("value")) else "password",
        ),
        RedactionPattern(
            "sql-password",
            re.compile(r"(?i)\b(?:password|identified\s+by)\s+(?P<value>'(?:[^'\\\n]|''){1,512}')"),
            r"(?i)(?:password|identified\s+by)\s+'",
            _always("password"),
        ),
        RedactionPattern(
            "basic-credentials",
            re.compile(r"(?i)\bbasic\s+(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])"),
            r"(?i)basic\s+[A-Za-z0-9+/]{8}",
            _basic,
        ),
        RedactionPattern(
            "key-value",
            key_value,
            rf"(?i)(?:{keys})[\"']?\s*[:=]",
            _key_value(key_kinds),
            rescan_value=True,
        ),
        RedactionPattern(
            "email",
            re.compile(
                r"(?P<value>(?P<local>[A-Za-z0-9._%+\-]{1,64})@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24})\b"
            ),
            r"[A-Za-z0-9._%+\-]@[A-Za-z0-9\-]+\.[A-Za-z]{2}",
            _email,
        ),
        RedactionPattern(
            "card",
            # Every card brand starts with 2-6: epoch milliseconds and most ids start with 1.
            re.compile(r"(?<![\w\-.])(?P<value>[2-6](?:[ \-]?\d){10,17}\d)(?![\w\-]|\.\d)"),
            r"\b[2-6](?:[ \-]?\d){10,17}\d",
            _card,
        ),
        RedactionPattern(
            "ssn",
            re.compile(r"(?<![\w\-.])(?P<value>\d{3}([ \-])\d{2}\2\d{4})(?![\w\-]|\.\d)"),
            r"\d{3}[ \-]\d{2}[ \-]\d{4}",
            _ssn,
        ),
        RedactionPattern(
            "iban",
            re.compile(r"\b(?P<value>[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{1,4}){3,8}))\b"),
            r"[A-Z]{2}\d{2} ?[A-Z0-9]{4}",
            _iban,
        ),
        RedactionPattern(
            "phone",
            re.compile(rf"(?<![\w\-.+])(?P<value>{_PHONE})(?![\w\-]|\.\d)"),
            _PHONE,
            _phone,
        ),
    )
