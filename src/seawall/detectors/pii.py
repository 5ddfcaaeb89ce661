"""PII detectors: candidate patterns, validators, masked and test values, column context.

Each detector has a candidate regex (RE2 syntax, so it runs vectorised inside
Arrow) and a validator run only on candidates: Luhn and brand ranges for
cards, mod-97 and per-country lengths for IBANs, area/group/serial rules for
SSNs, ``phonenumbers.is_possible_number`` for phones (possible, not assigned:
valid-but-unassigned ranges are still personal numbers). Values that are
masked (``****1234``, ``[REDACTED…]``, tokens, hashes) are never counted;
well-known test values are counted apart as test data. A column's name raises
or lowers confidence: nine digits are an SSN only in a column named for one,
never in ``order_id``.
"""

from __future__ import annotations

import bisect
import functools
import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "DETECTORS",
    "IBAN_CANDIDATE",
    "IBAN_LENGTHS",
    "NOT_PUBLIC_V4",
    "TEST_CARDS",
    "TEST_SSNS",
    "PiiDetector",
    "classify_unmasked",
    "classify_value",
    "column_hint",
    "is_masked",
]

_DIGITS = re.compile(r"\D")


def luhn(number: str) -> bool:
    """The Luhn checksum over the digits of ``number``."""
    digits = [int(d) for d in number]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


_CARD_PREFIXES = (
    (re.compile(r"^4"), (13, 16, 19)),  # Visa
    (re.compile(r"^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)"), (16,)),  # Mastercard
    (re.compile(r"^3[47]"), (15,)),  # Amex
    (re.compile(r"^(?:6011|65|64[4-9])"), (16, 17, 18, 19)),  # Discover
    (re.compile(r"^35(?:2[89]|[3-8]\d)"), (16, 17, 18, 19)),  # JCB
    (re.compile(r"^3(?:0[0-5]|[68])"), (14, 15, 16, 17, 18, 19)),  # Diners
    (re.compile(r"^62"), (16, 17, 18, 19)),  # UnionPay
    (re.compile(r"^(?:5[0678]|6[0-9])"), (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
)
TEST_CARDS = frozenset(
    {"4111111111111111", "4242424242424242", "4012888888881881", "5555555555554444", "5105105105105100",
     "378282246310005", "371449635398431", "6011111111111117", "3530111333300000", "30569309025904",
     "4000056655665556", "2223003122003222"}
)  # fmt: skip


def valid_card(value: str) -> bool:
    """12-19 digits in any grouping, a major brand's range and length, and Luhn."""
    digits = _DIGITS.sub("", value)
    if digits in TEST_CARDS:
        return True  # valid, and then reported as a well-known test value
    if not 12 <= len(digits) <= 19 or len(set(digits)) < 3:
        return False
    brand = any(p.match(digits) and len(digits) in lengths for p, lengths in _CARD_PREFIXES)
    return brand and luhn(digits)


def valid_ssn(value: str) -> bool:
    """US SSN area/group/serial rules (no 000, 666 or 9xx area; no 00 group; no 0000 serial)."""
    digits = _DIGITS.sub("", value)
    if len(digits) != 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def valid_itin(value: str) -> bool:
    """US ITIN: 9xx, then group 50-65, 70-88, 90-92 or 94-99."""
    digits = _DIGITS.sub("", value)
    if len(digits) != 9 or digits[0] != "9":
        return False
    group = int(digits[3:5])
    return 50 <= group <= 65 or 70 <= group <= 88 or 90 <= group <= 92 or 94 <= group <= 99


TEST_SSNS = frozenset({"078051120", "219099999", "123456789"})

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21,
    "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24,
    "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip


def valid_iban(value: str) -> bool:
    """Country length and the ISO 13616 mod-97 check."""
    iban = re.sub(r"\s", "", value).upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def valid_nino(value: str) -> bool:
    """UK National Insurance number prefix rules."""
    compact = re.sub(r"\s", "", value).upper()
    return bool(re.fullmatch(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]", compact)) and compact[:2] not in {
        "BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}  # fmt: skip


def valid_sin(value: str) -> bool:
    """Canadian SIN: nine digits, Luhn, not starting with 0 or 8."""
    digits = _DIGITS.sub("", value)
    return len(digits) == 9 and digits[0] not in "08" and luhn(digits)


# Numbers written with digits and plain separators only: no extension, no
# letters, nothing for the parser to strip but the separators.
_PLAIN_INTERNATIONAL = re.compile(r"\+[1-9][\d .\-]*\d")
_PLAIN_NATIONAL = re.compile(r"\(?\d[\d ()./\-]*\d")
_SKELETON = str.maketrans("0123456789", "dddddddddd")
_NATIONAL_REGIONS = ("US", "GB", "DE", "FR", "IN", "BR")


@dataclass(frozen=True)
class _Dialling:
    """What phonenumbers reads off the front of a number for one region or calling code."""

    country_code: str
    international_prefix: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None


@functools.cache
def _dialling(region: str | None, country_code: int = 0) -> _Dialling | None:
    import phonenumbers

    if region is None:
        region = phonenumbers.region_code_for_country_code(country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code or phonenumbers.country_code_for_region(region), region
    )
    if metadata is None:
        return None
    idd, national = metadata.international_prefix, metadata.national_prefix_for_parsing
    return _Dialling(
        str(metadata.country_code),
        re.compile(idd) if idd else None,
        re.compile(national) if national else None,
    )


# (region or None for "+CC", calling code, the value with digits as "d") -> verdict
_BY_SHAPE: dict[tuple[str | None, int, str], bool] = {}


def _by_shape(value: str, region: str | None, code: int, digits_after: str) -> bool | None:
    """The verdict of an earlier full parse of a number of the same shape, or None.

    When nothing at the front of the digits can be read as an international
    prefix, the region's calling code or its national prefix, phonenumbers
    keeps every digit as the national number, and ``is_possible_number``
    looks only at the calling code and that number's length: every number
    written the same way gets the same verdict, so one full parse decides.
    """
    dialling = _dialling(region, code)
    if dialling is None:
        return None
    if dialling.national_prefix is not None and dialling.national_prefix.match(digits_after):
        return None
    if region is not None:
        if digits_after.startswith(dialling.country_code):
            return None
        if dialling.international_prefix is not None and dialling.international_prefix.match(
            digits_after
        ):
            return None
    key = (region, code, value.translate(_SKELETON))
    verdict = _BY_SHAPE.get(key)
    if verdict is None:
        if len(_BY_SHAPE) > 50_000:  # odd data with endless shapes: start over
            _BY_SHAPE.clear()
        verdict = _BY_SHAPE[key] = _parsed_possible(value, (region,))
    return verdict


def _parsed_possible(value: str, regions: tuple[str | None, ...]) -> bool:
    import phonenumbers

    for region in regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return True
    return False


def valid_phone(value: str) -> bool:
    """A possible number (E.164 or a national format of US, GB, DE, FR, IN, BR)."""
    import phonenumbers

    digits = _DIGITS.sub("", value)
    if not 7 <= len(digits) <= 15:
        return False
    if value.strip().startswith("+"):
        if _PLAIN_INTERNATIONAL.fullmatch(value):
            for size in (1, 2, 3):
                code = int(digits[:size])
                if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                    quick = _by_shape(value, None, code, digits[size:])
                    if quick is not None:
                        return quick
                    break
        return _parsed_possible(value, (None,))
    plain = _PLAIN_NATIONAL.fullmatch(value) is not None
    for region in _NATIONAL_REGIONS:
        verdict = _by_shape(value, region, 0, digits) if plain else None
        if verdict is None:
            verdict = _parsed_possible(value, (region,))
        if verdict:
            return True
    return False


def _ranges(networks: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    return tuple(
        (int(n.network_address), int(n.broadcast_address))
        for n in map(ipaddress.ip_network, networks)
    )


# Address space that is not a person's: private, loopback, link-local,
# documentation, benchmarking, reserved and multicast (Python 3.11's ipaddress
# lists, fixed here so every Python version and the vectorised path agree, and
# checked as integer ranges: ipaddress's properties walk their lists per call).
NOT_PUBLIC_V4 = _ranges((
    "0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/29", "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
))  # fmt: skip
NOT_PUBLIC_V6 = _ranges((
    "::/8", "100::/8", "200::/7", "400::/6", "800::/5", "1000::/4", "4000::/3", "6000::/3",
    "8000::/3", "a000::/3", "c000::/3", "e000::/4", "f000::/5", "f800::/6", "fe00::/9",
    "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
))  # fmt: skip


def _merged(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return tuple(merged)


# IPv6 is checked per value (128-bit integers): the ranges merged and bisected.
_NOT_PUBLIC_V6_MERGED = _merged(NOT_PUBLIC_V6)
_NOT_PUBLIC_V6_STARTS = [first for first, _ in _NOT_PUBLIC_V6_MERGED]


def valid_ip(value: str) -> bool:
    """A public-looking IPv4/IPv6 address (loopback, private and documentation ranges are not PII)."""
    text = value.strip("[]")
    if ":" in text:
        number = _ipv6_number(text)
        if number is None:
            return False
        # The last merged range starting at or before the address: inside it, or none.
        at = bisect.bisect_right(_NOT_PUBLIC_V6_STARTS, number) - 1
        return at < 0 or number > _NOT_PUBLIC_V6_MERGED[at][1]
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        return False
    number = int(address)
    return not any(first <= number <= last for first, last in NOT_PUBLIC_V4)


def _ipv6_number(text: str) -> int | None:
    """The address as an integer, or None: the forms ``ipaddress.IPv6Address`` accepts.

    The C parser (inet_pton) is some twenty times faster than ipaddress's; a
    zone index (``fe80::1%eth0``, which ipaddress allows) is set aside first.
    """
    address, percent, zone = text.partition("%")
    if percent and (not zone or "%" in zone or "/" in zone):
        return None
    try:
        return int.from_bytes(socket.inet_pton(socket.AF_INET6, address), "big")
    except (OSError, ValueError):  # ValueError: an embedded NUL
        return None


_NAME_WORDS = frozenset(
    "james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph "
    "jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty anthony margaret mark sandra "
    "donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth carol kevin amanda brian melissa "
    "george deborah edward stephanie ronald rebecca timothy sharon jason laura jeffrey cynthia ryan kathleen jacob "
    "amy gary shirley nicholas angela eric helen jonathan anna stephen brenda larry pamela justin nicole scott emma "
    "jane doe smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez "
    "wilson anderson taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis "
    "robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera "
    "campbell mitchell carter roberts muller schmidt schneider fischer weber meyer wagner becker dupont durand "
    "bernard petit moreau singh kumar sharma patel silva santos oliveira souza roe".split()
)


def valid_name(value: str) -> bool:
    """Two or three capitalised words, at least one a known first name or surname."""
    words = value.strip().split()
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w.isalpha() for w in words):
        return False
    return any(w.lower() in _NAME_WORDS for w in words)


@dataclass(frozen=True)
class PiiDetector:
    """One PII type: a candidate regex (RE2), a validator, and the column names that imply it."""

    type: str
    candidate: str
    validate: Callable[[str], bool]
    column: re.Pattern[str] | None = None  # names that make the type likely
    needs_column: bool = False  # only inside a column named for it
    # The candidate regex alone decides (no Python validator): the column scan
    # counts these without leaving Arrow.
    vectorised: bool = False
    # What any cell the candidate regex matches must have: at least so many digits
    # and letters, this character, so many characters (and at most ``max_length``
    # for patterns anchored on the whole cell). The column scan runs the regex only
    # on cells that have them, counted at array speed (tests check none is lost).
    min_digits: int = 0
    min_letters: int = 0  # ASCII letters
    needs: str = ""
    min_length: int = 0
    max_length: int | None = None


def _COL(pattern: str) -> re.Pattern[str]:  # noqa: N802 - reads as a table column below
    return re.compile(pattern, re.IGNORECASE)


IBAN_CANDIDATE = r"[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}"

DETECTORS: tuple[PiiDetector, ...] = (
    PiiDetector(
        "email",
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}",
        lambda v: True,
        _COL(r"e.?mail"),
        vectorised=True,
        min_letters=2,
        needs="@",
        min_length=6,
    ),
    PiiDetector(
        "card",
        r"(?:\d[ \-]?){11,18}\d",
        valid_card,
        _COL(r"card|pan\b|cc_?num|credit"),
        min_digits=12,
    ),
    PiiDetector(
        "ssn", r"\d{3}-\d{2}-\d{4}", valid_ssn, _COL(r"ssn|social"), min_digits=9, needs="-"
    ),
    PiiDetector(
        "ssn",
        r"^\d{9}$",
        valid_ssn,
        _COL(r"ssn|social_sec"),
        needs_column=True,
        min_digits=9,
        max_length=9,
    ),
    PiiDetector(
        "itin",
        r"9\d{2}-?\d{2}-?\d{4}",
        valid_itin,
        _COL(r"itin|tax_?id|tin\b"),
        needs_column=True,
        min_digits=9,
    ),
    PiiDetector(
        "iban",
        IBAN_CANDIDATE,
        valid_iban,
        _COL(r"iban|account"),
        min_digits=2,
        min_letters=2,
        min_length=15,
    ),
    PiiDetector(
        "uk-nino",
        r"[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]",
        valid_nino,
        _COL(r"nino|national_?ins"),
        min_digits=6,
        min_letters=3,
        min_length=9,
    ),
    PiiDetector(
        "ca-sin",
        r"\d{3}[ \-]?\d{3}[ \-]?\d{3}",
        valid_sin,
        _COL(r"\bsin\b|social_?ins"),
        needs_column=True,
        min_digits=9,
    ),
    PiiDetector(
        "phone",
        r"\+?\(?\d[\d ()./\-]{6,18}\d",
        valid_phone,
        _COL(r"phone|mobile|tel|fax|msisdn"),
        needs_column=True,
        min_digits=2,
        min_length=8,
    ),
    PiiDetector(
        "phone",
        r"^\+\d[\d ()\-]{7,17}\d$",
        valid_phone,
        None,
        min_digits=2,
        needs="+",
        min_length=10,
        max_length=20,
    ),
    PiiDetector(
        "ip-address",
        r"^(?:\d{1,3}\.){3}\d{1,3}$|^[0-9A-Fa-f:]{3,39}$",
        valid_ip,
        _COL(r"\bip\b|ip_?addr|client_?addr"),
        needs_column=True,
        min_length=3,
        max_length=39,
    ),
    PiiDetector(
        "mac-address",
        r"^[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}$",
        lambda v: True,
        _COL(r"mac"),
        min_length=17,
        max_length=17,
    ),
    PiiDetector(
        "date-of-birth",
        r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$",
        lambda v: True,
        _COL(r"dob|birth"),
        needs_column=True,
        min_digits=4,
        min_length=6,
        max_length=10,
    ),
    PiiDetector(
        "passport",
        r"^[A-Za-z0-9]{6,9}$",
        lambda v: any(c.isdigit() for c in v),
        _COL(r"passport"),
        needs_column=True,
        min_length=6,
        max_length=9,
    ),
    PiiDetector(
        "national-id",
        r"^[A-Za-z0-9\-]{6,20}$",
        lambda v: any(c.isdigit() for c in v),
        _COL(r"national_?id|nid\b|id_?card"),
        needs_column=True,
        min_length=6,
        max_length=20,
    ),
    PiiDetector(
        "street-address",
        r"\d+[A-Za-z]? [A-Za-z][A-Za-z .'\-]+",
        lambda v: len(v) > 6,
        _COL(r"address|street|addr_?line"),
        needs_column=True,
        min_digits=1,
        needs=" ",
        min_length=4,
    ),
    PiiDetector(
        "person-name",
        r"^[A-Z][a-z]+(?: [A-Z][a-z'\-]+){1,2}$",
        valid_name,
        _COL(r"(?:^|_)(?:full_?)?name$|first_?name|last_?name|surname|customer$"),
        needs_column=True,
        min_letters=4,
        needs=" ",
        min_length=5,
    ),
)

# RE2- and Python-compatible, so the column scan can drop masked cells in one
# vectorised pass before any Python validator runs.
MASKED_PATTERN = (
    r"^\**$|\*{3,}|x{4,}|X{4,}|#{4,}|\[REDACTED[^\]]*\]|^<redacted>$|^(?:tok|sw1|tkn)_[A-Za-z0-9]+|"
    r"^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$|\.invalid$"
)
_MASKED = re.compile(MASKED_PATTERN, re.IGNORECASE)


def is_masked(value: str) -> bool:
    """Masked, tokenized, hashed or reserved-domain values are not unmasked PII."""
    return bool(_MASKED.search(value.strip()))


_SEPARATORS = re.compile(r"[_\-.\s]+")


def column_hint(name: str, detector: PiiDetector) -> bool:
    """True when the column's name implies this detector's type.

    Tried on the name as written and with separators as spaces, so word
    boundaries in the patterns see ``client_ip`` as ``client ip``.
    """
    if detector.column is None:
        return False
    return bool(detector.column.search(name) or detector.column.search(_SEPARATORS.sub(" ", name)))


@functools.cache
def _bounded(candidate: str) -> re.Pattern[str]:
    # A candidate counts only as a whole token: digits inside a UUID or a
    # longer reference are not a card or an SSN that happens to pass Luhn.
    # Nor are the digits of a decimal fraction ("43.1234567890123456").
    return re.compile(rf"(?<![\w\-])(?<!\d\.)(?:{candidate})(?![\w\-])(?!\.\d)")


def classify_value(value: str, detector: PiiDetector) -> str | None:
    """'pii', 'test' (a well-known test value) or None for one candidate value."""
    text = value.strip()
    if not text or is_masked(text):
        return None
    return classify_unmasked(text, detector)


def classify_unmasked(text: str, detector: PiiDetector) -> str | None:
    """classify_value for a stripped value already known not to be masked (the column scan)."""
    if detector.type == "card" and valid_iban(text):
        return None  # an IBAN's digit groups can pass Luhn and a card range by chance
    verdict = None
    for match in _bounded(detector.candidate).finditer(text):
        candidate = match.group(0)
        if not detector.validate(candidate):
            continue
        if _is_test_value(detector.type, candidate):
            verdict = "test"
        else:
            return "pii"
    return verdict


def _is_test_value(kind: str, candidate: str) -> bool:
    """A well-known test card, SSN or example-domain address (other types have none)."""
    if kind == "card":
        return _DIGITS.sub("", candidate) in TEST_CARDS
    if kind == "ssn":
        return _DIGITS.sub("", candidate) in TEST_SSNS
    return kind == "email" and _TEST_DOMAIN.search(candidate) is not None


TEST_EMAIL_PATTERN = r"@(?:[\w.-]+\.)?example\.(?:com|org|net)$|\.test$|\.localhost$"
_TEST_DOMAIN = re.compile(TEST_EMAIL_PATTERN, re.IGNORECASE)
