"""Validators: structural checks that tell a real credential from a look-alike.

Each returns a Verdict. INVALID drops the candidate; WEAK keeps it at a lower
severity (a token whose checksum fails is usually a fake or test value, but a
scanner should still show it); VALID and UNKNOWN keep it as it is.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from enum import StrEnum

from seawall.detectors._values import is_placeholder, shannon_entropy

__all__ = ["Verdict", "validate"]


class Verdict(StrEnum):
    """What a validator concluded about a candidate secret."""

    VALID = "valid"
    UNKNOWN = "unverified"
    WEAK = "checksum-mismatch"
    INVALID = "invalid"


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0")


def _github_checksum(secret: str) -> Verdict:
    # ghp_/gho_/ghu_/ghs_/npm_ tokens: 30 random characters, then the CRC32 of
    # those 30 in base62 (6 characters).
    body = secret.split("_", 1)[1]
    if len(body) != 36:
        return Verdict.UNKNOWN
    expected = _base62(zlib.crc32(body[:30].encode()), 6)
    return Verdict.VALID if body[30:] == expected else Verdict.WEAK


def _b64decode(text: str) -> bytes | None:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_" if ("-" in text or "_" in text) else None)
    except (binascii.Error, ValueError):
        return None


def _jwt(secret: str) -> Verdict:
    header = _b64decode(secret.split(".", 1)[0])
    if header is None:
        return Verdict.INVALID
    try:
        decoded = json.loads(header)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Verdict.INVALID
    if isinstance(decoded, dict) and ("alg" in decoded or "typ" in decoded):
        return Verdict.VALID
    return Verdict.INVALID


def _base64_userpass(secret: str) -> Verdict:
    decoded = _b64decode(secret)
    if decoded is None:
        return Verdict.INVALID
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return Verdict.INVALID
    user, sep, password = text.partition(":")
    if not sep or not user or len(password) < 3 or not text.isprintable():
        return Verdict.INVALID
    return Verdict.INVALID if is_placeholder(password) else Verdict.VALID


_PEM_HEADER_LINE = re.compile(r"^[A-Za-z\-]+: .*$", re.MULTILINE)


def _pem_body(secret: str) -> Verdict:
    lines = secret.replace("\\n", "\n").splitlines()
    body = "".join(
        line.strip() for line in lines[1:] if not line.startswith("-----") and ": " not in line
    )
    base64ish = re.sub(r"[^A-Za-z0-9+/=]", "", body)
    complete = "-----END" in secret
    # A whole BEGIN/END block is a key however short its body; a block cut off
    # before its END needs a key-sized body to count.
    if len(base64ish) < (32 if complete else 64) or len(base64ish) < 0.9 * len(body):
        return Verdict.INVALID
    if re.search(r"(?i)example|x{8,}|\.{3}", body):
        return Verdict.INVALID
    return Verdict.VALID


_HEX_DIGEST = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64}|[0-9A-F]{40}|[0-9A-F]{64})$")
_HASH_NAME = re.compile(r"(?i)hash|sha|digest|checksum|commit|etag|fingerprint|rev(?:ision)?")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_CODE_VALUE = re.compile(
    r"^(?:[@$%&*]|\{|\[|os\.|env\.|process\.env|getenv|config\.|settings\.|self\.|this\.)"
    r"|\(|\)$|^(?:true|false|null|none|nil|undefined)$",
    re.IGNORECASE,
)
# Words joined by separators or camel case: a name ("next_token", "sessionToken"),
# not a secret.
_WORDY = re.compile(
    r"^(?:[a-z]+(?:[_.\-][a-z]+)*|[A-Z]+(?:[_.\-][A-Z]+)*|[a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]+(?:[A-Z][a-z]+)*)$"
)
_NOT_SECRET_NAME = re.compile(
    r"(?i)(?:_|\.|-)?(?:id|ids|file|path|dir|url|uri|name|names|type|length|len|size|count|"
    r"header|field|prefix|suffix|env|var|expires?|expiry|ttl|timeout|format|regex|pattern|"
    r"policy|enabled|required|min|max|hint|label|placeholder|input|param|location|endpoint|"
    r"version|algorithm|alg|rotation|arn|ref|source|store|manager|provider|mode|encryption|"
    r"method|cipher|scheme)$"
    # a file name ("secret.txt": ...), not a credential's name
    r"|\.(?:txt|json|ya?ml|pem|key|crt|csv|env|ini|cfg|conf|toml|xml|py|js|ts|sh|md)$"
)
_HAS_LETTER = re.compile(r"[A-Za-z]")


def generic_value(name: str, value: str, quoted: bool, code_file: bool) -> Verdict:
    """Judge a value assigned to a credential-looking name."""
    value = re.sub(r"(?:\\[nrt])+$", "", value.strip())  # a trailing escaped newline
    if name and _NOT_SECRET_NAME.search(name):
        return Verdict.INVALID
    if len(value) < 6 or is_placeholder(value) or _CODE_VALUE.search(value):
        return Verdict.INVALID
    if "://" in value or value.startswith(("/", "./", "~/", "file:")) or " " in value:
        return Verdict.INVALID  # URLs are judged by the URI rules, by their password part
    if "${" in value or "{{" in value or "#{" in value or "<%" in value:
        return Verdict.INVALID
    if _UUID.match(value) or value.isdigit():
        return Verdict.INVALID
    if _HEX_DIGEST.match(value) and (not name or _HASH_NAME.search(name)):
        return Verdict.INVALID  # a digest on its own, or one named as a hash, is not a secret
    if code_file and not quoted:
        return Verdict.INVALID  # in code an unquoted value is a variable, not a literal
    if _WORDY.match(value):
        return (
            Verdict.INVALID
        )  # a bare word ("changeit", "getPassword") more often names than hides
    if not _HAS_LETTER.search(value) or len(set(value)) < 4:
        return Verdict.INVALID
    if shannon_entropy(value) < 2.5:
        return Verdict.INVALID
    return Verdict.UNKNOWN


def validate(name: str, secret: str) -> Verdict:
    """Run one of the named single-argument validators."""
    if name == "github-checksum":
        return _github_checksum(secret)
    if name == "jwt":
        return _jwt(secret)
    if name == "base64-userpass":
        return _base64_userpass(secret)
    if name == "pem-body":
        return _pem_body(secret)
    raise KeyError(name)
