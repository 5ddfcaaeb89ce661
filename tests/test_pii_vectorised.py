"""The array validators and the phone-shape cache give exactly the per-value verdicts."""

from __future__ import annotations

import ipaddress
import random
import string

import phonenumbers
import pyarrow as pa
import pytest

from seawall.detectors import pii
from seawall.detectors._vectorised import VECTOR_VALIDATORS, CellFeatures
from seawall.detectors.pii import DETECTORS, classify_unmasked


def _luhn_digit(body: str) -> str:
    for last in "0123456789":
        if pii.luhn(body + last):
            return last
    raise AssertionError("unreachable")


def _card_like(rng: random.Random) -> str:
    prefix = rng.choice(["4", "51", "2221", "2720", "37", "6011", "65", "3530", "36", "62", "50",
                         "9", "1", "0", "2", "5", "3", "6"])  # fmt: skip
    length = rng.randint(11, 20)
    body = prefix + "".join(
        rng.choice(string.digits) for _ in range(max(0, length - len(prefix) - 1))
    )
    number = body + (_luhn_digit(body) if rng.random() < 0.7 else rng.choice(string.digits))
    if rng.random() < 0.05:
        number = rng.choice(sorted(pii.TEST_CARDS))
    if rng.random() < 0.03:
        number = rng.choice(string.digits) * rng.randint(12, 19)
    style = rng.random()
    if style < 0.3:
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    if style < 0.4:
        return "-".join(number[i : i + 4] for i in range(0, len(number), 4))
    if style < 0.5:
        return "+" + number
    return number


def _ssn_like(rng: random.Random) -> str:
    area = rng.choice([0, 666, rng.randint(1, 999), rng.randint(900, 999), 78])
    group, serial = rng.choice([0, rng.randint(1, 99)]), rng.choice([0, rng.randint(1, 9999)])
    text = f"{area:03d}{group:02d}{serial:04d}"
    if rng.random() < 0.05:
        text = rng.choice(sorted(pii.TEST_SSNS))
    return f"{text[:3]}-{text[3:5]}-{text[5:]}" if rng.random() < 0.5 else text


def _iban_like(rng: random.Random) -> str:
    country = rng.choice([*sorted(pii.IBAN_LENGTHS), "ZZ", "US"])
    length = pii.IBAN_LENGTHS.get(country, 20) + rng.choice([0, 0, 0, -1, 1])
    bban = "".join(rng.choice(string.digits + string.ascii_uppercase) for _ in range(length - 4))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    if rng.random() < 0.3:
        check = rng.randint(0, 99)
    iban = f"{country}{check:02d}{bban}"
    if rng.random() < 0.2:
        iban = iban.lower()
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if rng.random() < 0.4 else iban


def _ip_like(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return ".".join(rng.choice(["0", "01", "256", "999", "10"]) for _ in range(4))
    if roll < 0.5:
        return str(ipaddress.IPv4Address(rng.getrandbits(32)))
    if roll < 0.9:  # IPv6: global, private, link-local, documentation, loopback, mapped
        prefix = rng.choice([0x2A00, 0xFC00, 0xFE80, 0x2001_0DB8 >> 16, 0x2600, 0, 0xFF02])
        number = (prefix << 112) | rng.getrandbits(112 if prefix else 48)
        address = ipaddress.IPv6Address(number)
        text = address.exploded if rng.random() < 0.2 else str(address)
        return text.upper() if rng.random() < 0.2 else text
    return rng.choice(["abc", "12:34", "::::", "dead:beef", "1:2:3:4:5:6:7:8:9", "fe80::1::2",
                       "1234", "::1", "::", "ABCD:EF01::"])  # fmt: skip


def _phone_like(rng: random.Random) -> str:
    def digits(count: int) -> str:
        return "".join(rng.choice(string.digits) for _ in range(count))

    shapes = [
        lambda: f"+1 {digits(3)} {digits(3)} {digits(4)}",
        lambda: f"({digits(3)}) {digits(3)}-{digits(4)}",
        lambda: f"+44 {digits(2)} {digits(4)} {digits(4)}",
        lambda: f"0{digits(4)} {digits(6)}",
        lambda: f"+49 {digits(2)} {digits(rng.randint(5, 9))}",
        lambda: f"+33 {digits(1)} {digits(2)} {digits(2)} {digits(2)} {digits(2)}",
        lambda: f"+91 {digits(5)} {digits(5)}",
        lambda: f"+55 {digits(2)} {digits(5)}-{digits(4)}",
        lambda: f"{digits(3)}.{digits(3)}.{digits(4)}",
        lambda: f"1{digits(10)}",
        lambda: f"011 {digits(2)} {digits(8)}",
        lambda: f"00{digits(2)} {digits(9)}",
        lambda: f"+{rng.randint(1, 999)} {digits(rng.randint(4, 12))}",
        lambda: f"+{digits(rng.randint(6, 16))}",
        lambda: f"{digits(rng.randint(6, 16))}",
        lambda: f"+0{digits(9)}",
        lambda: f"+1 ({digits(3)}) {digits(3)}-{digits(4)}",
        lambda: f"({digits(2)}) {digits(4)}/{digits(4)}",
        # Trunk "0" numbers of GB, DE, FR and IN, whose verdict turns on more than the shape.
        lambda: f"0{digits(rng.randint(1, 4))} {digits(rng.randint(3, 9))}",
        lambda: f"0{digits(1)} {digits(2)} {digits(2)} {digits(2)} {digits(2)}",
        lambda: f"0{rng.choice('1234789')}{digits(rng.randint(6, 11))}",
        lambda: f"(0{digits(3)}) {digits(rng.randint(4, 8))}",
        lambda: f"180020 {digits(rng.randint(4, 8))}",
    ]
    return rng.choice(shapes)()


@pytest.mark.parametrize(
    ("detector_type", "make"),
    [
        ("card", _card_like),
        ("ssn", _ssn_like),
        ("iban", _iban_like),
        ("ip-address", _ip_like),
        ("phone", _phone_like),
    ],
)
def test_array_verdicts_match_the_per_value_validators(detector_type: str, make: object) -> None:
    rng = random.Random(11)
    values = [make(rng) for _ in range(6000)]  # type: ignore[operator]
    shape, validate = VECTOR_VALIDATORS[detector_type]
    for detector in (d for d in DETECTORS if d.type == detector_type):
        import re

        whole = re.compile(f"(?:{shape or detector.candidate})", re.ASCII)
        # The column scan searches for candidates only outside whole-shaped cells.
        candidate = re.compile(detector.candidate, re.ASCII)
        assert all(candidate.search(v) for v in values if whole.fullmatch(v))
        cells = [v for v in values if whole.fullmatch(v) and re.search(detector.candidate, v)]
        assert len(cells) > 1000, (detector_type, len(cells))
        found, test = validate(pa.array(cells))
        expected = [classify_unmasked(v, detector) for v in cells]
        got = ["test" if t else "pii" if p else None for p, t in zip(found, test, strict=True)]
        mismatched = [(v, e, g) for v, e, g in zip(cells, expected, got, strict=True) if e != g]
        assert not mismatched, mismatched[:5]
        assert {"pii", None} <= set(expected)


def test_phone_shape_cache_agrees_with_a_full_parse() -> None:
    rng = random.Random(5)
    shapes = [
        "+1 {a}{b}{c} {d}{e}{f} {g}{h}{i}{j}", "({a}{b}{c}) {d}{e}{f}-{g}{h}{i}{j}",
        "+44 {a}{b} {c}{d}{e}{f} {g}{h}{i}{j}", "0{a}{b}{c}{d} {e}{f}{g}{h}{i}{j}",
        "+49 {a}{b} {c}{d}{e}{f}{g}{h}{i}", "+33 {a} {b}{c} {d}{e} {f}{g} {h}{i}",
        "+91 {a}{b}{c}{d}{e} {f}{g}{h}{i}{j}", "+55 {a}{b} {c}{d}{e}{f}{g}-{h}{i}{j}{k}",
        "{a}{b}{c}.{d}{e}{f}.{g}{h}{i}{j}", "1{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}",
        "011 {a}{b} {c}{d}{e}{f}{g}{h}{i}{j}", "+{a}{b} {c}{d}{e} {f}{g}{h}{i}",
        "+{a}{b}{c} {d}{e}{f}{g}{h}{i}{j}{k}", "00{a}{b} {c}{d}{e}{f}{g}{h}{i}{j}",
    ]  # fmt: skip
    pii._BY_SHAPE.clear()
    for _ in range(6000):
        value = rng.choice(shapes).format(**{k: rng.choice(string.digits) for k in "abcdefghijk"})
        digits = pii._DIGITS.sub("", value)
        regions = (None,) if value.startswith("+") else ("US", "GB", "DE", "FR", "IN", "BR")
        expected = 7 <= len(digits) <= 15 and any(_possible(value, region) for region in regions)
        assert pii.valid_phone(value) == expected, value
    assert pii._BY_SHAPE, "the shape cache was never used"


def _possible(value: str, region: str | None) -> bool:
    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse(value, region)))
    except phonenumbers.NumberParseException:
        return False


def test_ip_verdicts_match_ipaddress_on_valid_and_mangled_addresses() -> None:
    # valid_ip parses IPv6 with inet_pton; ipaddress's parser is the reference.
    def reference(value: str) -> bool:
        try:
            address = ipaddress.ip_address(value.strip("[]"))
        except ValueError:
            return False
        ranges = pii.NOT_PUBLIC_V4 if address.version == 4 else pii.NOT_PUBLIC_V6
        return not any(first <= int(address) <= last for first, last in ranges)

    rng = random.Random(3)
    alphabet = "0123456789abcdefABCDEF:.%[]x "
    values = []
    for _ in range(20_000):
        if rng.random() < 0.6:
            value = str(ipaddress.IPv6Address(rng.getrandbits(128)))
            if rng.random() < 0.3:
                at = rng.randrange(len(value))
                value = value[:at] + rng.choice(alphabet) + value[at + 1 :]
            if rng.random() < 0.1:
                value += "%" + rng.choice(["eth0", "", "1", "a/b", "%"])
            if rng.random() < 0.2:
                value = str(ipaddress.IPv4Address(rng.getrandbits(32)))
        else:
            value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20)))
        values.append(value)
    values += ["fe80::1%eth0", "2a03:2880::1%1", "::ffff:8.8.8.8", "[2a00:1450::1]", "1::2::3"]
    assert [pii.valid_ip(v) for v in values] == [reference(v) for v in values]
    assert sum(map(reference, values)) > 2_000  # public addresses were among them


def test_trunk_zero_verdict_turns_only_on_shape_and_the_national_pattern() -> None:
    # phones() parses one number per (shape, pattern matches with the "0", without it)
    # in each region with a plain "0" trunk prefix; every other number with that key
    # must get the same verdict from phonenumbers.
    import re

    from seawall.detectors._vectorised import _zero_prefix_pattern

    rng = random.Random(8)
    regions = [r for r in ("US", "GB", "DE", "FR", "IN", "BR") if _zero_prefix_pattern(r)]
    assert set(regions) == {"GB", "DE", "FR", "IN"}
    shapes = ["0{} {}", "0{}{}", "(0{}) {}", "0{}-{}"]
    seen: set[bool] = set()
    for region in regions:
        pattern = re.compile(_zero_prefix_pattern(region) or "")
        verdicts: dict[tuple[str, bool, bool], set[bool]] = {}
        for _ in range(4000):
            head = "".join(rng.choice(string.digits) for _ in range(rng.randint(1, 4)))
            tail = "".join(rng.choice(string.digits) for _ in range(rng.randint(3, 10)))
            value = rng.choice(shapes).format(head, tail)
            digits = re.sub(r"\D", "", value)
            if digits.startswith("00"):
                continue  # an international prefix: valid_phone decides those
            shape = re.sub(r"\d", "d", value)
            key = (shape, bool(pattern.fullmatch(digits)), bool(pattern.fullmatch(digits[1:])))
            verdict = pii._parsed_possible(value, (region,))
            verdicts.setdefault(key, set()).add(verdict)
        assert all(len(v) == 1 for v in verdicts.values()), region
        seen |= {v for found in verdicts.values() for v in found}
    assert seen == {True, False}  # possible and impossible numbers were both among them


@pytest.mark.parametrize("layout", ["plain", "sliced", "chunked", "large"])
def test_buffer_helpers_match_regex_replace_on_every_array_layout(layout: str) -> None:
    import pyarrow.compute as pc

    from seawall.detectors._vectorised import _digits_and_shapes, _without

    values = ["+1 (415) 555-0123", None, "", "GB82 WEST-1234", "٣12 x", "0\t1\n2"] * 50
    array: object = {
        "plain": pa.array(values),
        "sliced": pa.array(["skip", *values]).slice(1),
        "chunked": pa.chunked_array([pa.array(values[:7]), pa.array(values[7:])]),
        "large": pa.array(values, pa.large_string()),
    }[layout]
    digits, shapes = _digits_and_shapes(array)
    assert digits.to_pylist() == pc.replace_substring_regex(array, r"[^0-9]", "").to_pylist()
    assert shapes.to_pylist() == pc.replace_substring_regex(array, r"[0-9]", "d").to_pylist()
    dropped = _without(array, b" \t\n\f\r-")
    assert dropped.to_pylist() == pc.replace_substring_regex(array, r"[\s\-]", "").to_pylist()


def _candidate_like(rng: random.Random) -> str:
    """Strings near every detector's shapes: digits, letters, separators, '@', '+', non-ASCII."""
    pieces = [
        lambda: "".join(rng.choice(string.digits) for _ in range(rng.randint(1, 12))),
        lambda: "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(1, 6))),
        lambda: rng.choice(" -./:()+@_"),
        lambda: rng.choice(["é", "٣", "\n", "\t", "Ω", "x"]),
        lambda: rng.choice(["user@mail.com", "+44 20", "GB29 NWBK", "AB 12 34 56 C", "0a:1b"]),
    ]
    return "".join(rng.choice(pieces)() for _ in range(rng.randint(0, 8)))


def test_cell_features_never_drop_a_cell_the_candidate_regex_matches() -> None:
    # The column scan runs each detector's regex only where CellFeatures says it can
    # match: a cell the regex matches must always be kept.
    import re2

    rng = random.Random(7)
    known = ["123456789", "1985-04-12", "12/4/85", "AB1234567", "01:23:45:67:89:ab",
             "12 Main St", "Ada Lovelace", "10.0.0.1", "fe80::1", "912-34-5678", "046 454 286",
             "+1 (415) 555-0100", "QQ 12 34 56 C", "GB82WEST12345698765432", "ID-2024-77"]  # fmt: skip
    values = [_candidate_like(rng) for _ in range(20_000)] + known + [None, ""]
    cells = pa.array(values, pa.string())
    features = CellFeatures(cells)
    stated = [
        d
        for d in DETECTORS
        if d.min_digits or d.min_letters or d.min_length or d.needs or d.max_length
    ]
    assert {d.type for d in stated} >= {"email", "card", "ssn", "iban", "uk-nino", "mac-address"}
    for detector in stated:
        possible = features.possible(detector)
        assert possible is not None
        regex = re2.compile(detector.candidate)
        matched = [i for i, v in enumerate(values) if v is not None and regex.search(v)]
        assert matched, detector.type  # the generator reaches every shape
        dropped = [values[i] for i in matched if not possible[i]]
        assert not dropped, (detector.type, dropped[:5])
        # ... and the requirements do prune: most of these strings cannot match.
        assert possible.sum() < len(values), detector.type


@pytest.mark.parametrize("layout", ["plain", "sliced", "large"])
def test_cell_features_find_a_character_wherever_python_does(layout: str) -> None:
    rng = random.Random(11)
    values = [_candidate_like(rng) for _ in range(5_000)] + [None, "", "@", "+@+", "é@"]
    array = {
        "plain": pa.array(values, pa.string()),
        "sliced": pa.array(["@@", *values], pa.string()).slice(1),
        "large": pa.array(values, pa.large_string()),
    }[layout]
    features = CellFeatures(array)
    for character in ("@", "+", "-", " ", "é"):
        expected = [v is not None and character in v for v in values]
        assert features.has(character).tolist() == expected, character


def test_mask_byte_test_never_drops_a_cell_the_mask_regex_matches() -> None:
    # The column scan runs MASKED_PATTERN only where maybe_masked says it could match.
    import pyarrow.compute as pc

    from seawall.detectors._vectorised import maybe_masked
    from seawall.detectors.pii import MASKED_PATTERN

    rng = random.Random(13)
    maskish = ["****", "**1234", "xxxx-1234", "XxXx", "####", "[REDACTED]", "[redacted:ssn]",
               "<REDACTED>", "tok_ab12", "TKN_x", "sw1_AbC", "a" * 32, "0f" * 20, "e" * 64,
               "Jane@mail.INVALID", "x.invalid", ".invalid", "", "\u017fw1_k", "tok_", "xxx"]  # fmt: skip

    def value() -> str:
        text = _candidate_like(rng)
        if rng.random() < 0.3:
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(maskish) + text[at:]
        return text

    values = [value() for _ in range(20_000)] + maskish + [None]
    for layout in ("plain", "sliced"):
        array = (
            pa.array(values, pa.string())
            if layout == "plain"
            else pa.array(["****", *values], pa.string()).slice(1)
        )
        maybe = maybe_masked(array).tolist()
        # The kernel the column scan would otherwise run on every cell.
        regex = pc.match_substring_regex(array, MASKED_PATTERN, ignore_case=True).to_pylist()
        matched = [i for i, hit in enumerate(regex) if hit]
        assert len(matched) > 1_000
        assert not [values[i] for i in matched if not maybe[i]]
        assert sum(maybe) < len(values) * 0.8  # and it does rule most cells out
        assert maybe[-1] is False  # null
