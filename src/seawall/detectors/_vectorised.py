"""PII validators over whole Arrow columns: cards, SSNs, IBANs, IPv4 addresses, phones.

The column scan sends a cell here when the *whole* cell is one candidate
(a card-number column, an IBAN column); free text still goes through the
per-value validators in :mod:`seawall.detectors.pii`. Each function takes the
candidate strings and returns two boolean numpy arrays, (PII, test value),
with exactly the verdicts of ``classify_unmasked`` on the same strings: the
tests compare both on generated values. Digits are laid out as a fixed-width
``uint8`` matrix (Arrow pads each string, numpy reads the buffer), so Luhn,
brand ranges, mod-97 and address ranges are a few array operations per
batch instead of a Python call per cell.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from seawall.detectors.pii import (
    IBAN_LENGTHS,
    NOT_PUBLIC_V4,
    NOT_PUBLIC_V6,
    TEST_CARDS,
    TEST_SSNS,
    PiiDetector,
)

__all__ = [
    "VECTOR_VALIDATORS",
    "CellFeatures",
    "false_for_null",
    "judged_per_value",
    "maybe_masked",
    "search_match",
    "take_rows",
    "true_for_null",
    "whole_match",
]

Verdicts = tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]
Verdict = TypeVar("Verdict")


def judged_per_value(
    values: Any, rows: npt.NDArray[np.int64], judge: Callable[[str], Verdict]
) -> list[Verdict]:
    """``judge`` of the value at each of ``rows``, asked once per distinct value
    (columns repeat their values)."""
    import pyarrow as pa

    left = values.take(pa.array(rows)).to_pylist()
    verdicts = {value: judge(value) for value in set(left)}
    return [verdicts[value] for value in left]


def _matrix(strings: Any, width: int, align_right: bool) -> npt.NDArray[np.uint8]:
    """Each string padded to ``width`` characters ("0" on the left or "~" on the right)."""
    import pyarrow.compute as pc

    padded = pc.utf8_lpad(strings, width, "0") if align_right else pc.utf8_rpad(strings, width, "~")
    count, _, data, _ = _string_buffers(padded)
    return data.reshape(count, width)


def _numbers(strings: Any) -> npt.NDArray[np.int64]:
    import pyarrow.compute as pc

    return np.asarray(pc.cast(strings, "int64").to_numpy(zero_copy_only=False), dtype=np.int64)


def _lengths(strings: Any) -> npt.NDArray[np.int64]:
    import pyarrow.compute as pc

    return np.asarray(pc.utf8_length(strings).to_numpy(zero_copy_only=False), dtype=np.int64)


def _in(strings: Any, values: frozenset[str]) -> npt.NDArray[np.bool_]:
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.is_in(strings, value_set=pa.array(sorted(values), pa.string()))
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.bool_)


# Place values of four leading digits.
_PLACES = np.array([1000, 100, 10, 1], dtype=np.int64)
# How many bits each 10-bit value has set (the distinct digits of a card number).
_BITS_SET = np.array([bin(mask).count("1") for mask in range(1 << 10)], dtype=np.int8)


def cards(values: Any) -> Verdicts:
    """``valid_card`` per cell: 12-19 digits, 3+ distinct digits, brand range and length, Luhn."""
    import pyarrow.compute as pc

    digits = _without(values, b" -+")
    length = _lengths(digits)
    test = _in(digits, TEST_CARDS)
    usable = (length >= 12) & (length <= 19)
    # One row per digit position (right-aligned, 19 wide) and one column per cell:
    # numpy then adds and ORs whole rows instead of reducing 19 bytes per cell.
    # uint8 digits (the whole-cell shape leaves only digits once separators are gone).
    right = _matrix(pc.if_else(usable, digits, "000000000000"), 19, True) - np.uint8(48)
    columns = np.ascontiguousarray(right.T)
    # Luhn from the right: every second digit doubled (odd positions of a 19-wide,
    # right-aligned number, counting from 0 at the left); leading pad zeros add nothing.
    doubled = columns[1::2] * np.uint8(2)
    doubled -= np.uint8(9) * (doubled > 9)
    total = columns[0::2].sum(axis=0, dtype=np.uint16) + doubled.sum(axis=0, dtype=np.uint16)
    luhn = total % 10 == 0
    # Distinct digits: one bit per digit seen in the number, ORed down the rows, counted.
    in_number = np.arange(19, dtype=np.int64)[:, None] >= (19 - length)
    seen = np.bitwise_or.reduce((np.uint16(1) << columns) * in_number, axis=0)
    distinct = _BITS_SET[seen]
    # The first four digits, read where each number starts in the matrix.
    first = np.minimum(19 - length, 15)[:, None] + np.arange(4)
    p4 = (right[np.arange(len(length))[:, None], first] * _PLACES).sum(axis=1, dtype=np.int64)
    p3, p2, p1 = p4 // 10, p4 // 100, p4 // 1000
    between = np.logical_and

    def lengths(low: int, high: int) -> npt.NDArray[np.bool_]:
        return between(length >= low, length <= high)

    brand = (
        ((p1 == 4) & np.isin(length, (13, 16, 19)))
        | (
            (
                between(p2 >= 51, p2 <= 55)
                | between(p4 >= 2221, p4 <= 2229)
                | between(p3 >= 223, p3 <= 229)
                | between(p2 >= 23, p2 <= 26)
                | between(p3 >= 270, p3 <= 271)
                | (p4 == 2720)
            )
            & (length == 16)
        )
        | (np.isin(p2, (34, 37)) & (length == 15))
        | (((p4 == 6011) | (p2 == 65) | between(p3 >= 644, p3 <= 649)) & lengths(16, 19))
        | (between(p4 >= 3528, p4 <= 3589) & lengths(16, 19))
        | ((between(p3 >= 300, p3 <= 305) | np.isin(p2, (36, 38))) & lengths(14, 19))
        | ((p2 == 62) & lengths(16, 19))
        | ((np.isin(p2, (50, 56, 57, 58)) | between(p2 >= 60, p2 <= 69)) & lengths(12, 19))
    )
    valid = usable & (distinct >= 3) & brand & luhn
    return valid & ~test, test


def ssns(values: Any) -> Verdicts:
    """``valid_ssn`` per cell: no 000, 666 or 9xx area, no 00 group, no 0000 serial."""
    import pyarrow.compute as pc

    digits = _without(values, b"-")
    nine = _lengths(digits) == 9
    number = _numbers(pc.if_else(nine, digits, "0"))
    area, group, serial = number // 1_000_000, (number // 10_000) % 100, number % 10_000
    valid = nine & (area != 0) & (area != 666) & (area < 900) & (group != 0) & (serial != 0)
    test = _in(digits, TEST_SSNS)
    return valid & ~test, valid & test


_LONGEST_IBAN = max(IBAN_LENGTHS.values())
# 10**k mod 97 for every k an IBAN can reach (two decimal digits per character at most).
_POWERS_OF_TEN_MOD_97 = np.array([pow(10, k, 97) for k in range(2 * _LONGEST_IBAN + 1)], np.uint8)
# The IBAN length of each two-letter country code (AA = 0 ... ZZ = 675), -1 for none.
_IBAN_LENGTH_BY_COUNTRY = np.full(26 * 26, -1, dtype=np.int64)
for _code, _length in IBAN_LENGTHS.items():
    _IBAN_LENGTH_BY_COUNTRY[(ord(_code[0]) - 65) * 26 + ord(_code[1]) - 65] = _length


def ibans(values: Any) -> Verdicts:
    """``valid_iban`` per IBAN-shaped cell (two letters, two digits, then letters and
    digits with single spaces): the country's length and ISO 13616 mod-97 = 1."""
    import pyarrow.compute as pc

    iban = _without(values, b" ")
    _, offsets, _, _ = _string_buffers(iban)
    length = np.diff(offsets).astype(np.int64)  # ASCII: bytes are characters
    fits = length <= _LONGEST_IBAN
    padded = iban if fits.all() else pc.if_else(fits, iban, "XX00")
    chars = _matrix(padded, _LONGEST_IBAN, False)  # right-padded with "~"
    chars = chars - np.uint8(32) * ((chars >= ord("a")) & (chars <= ord("z")))  # upper case
    letters = chars[:, :2].astype(np.int64) - ord("A")
    country = np.clip(letters[:, 0], 0, 25) * 26 + np.clip(letters[:, 1], 0, 25)
    usable = fits & (_IBAN_LENGTH_BY_COUNTRY[country] == length)
    # Moved to the end, the first four characters (two letters, two digits) write six
    # decimal digits: the number is BBAN * 10**6 + those. The BBAN mod 97 is the sum of
    # each character's value times 10**k mod 97, k being the decimal digits written
    # after it (a letter, A = 10, writes two). One row per position (see cards), uint8
    # and uint16 throughout.
    bban = np.ascontiguousarray(chars[:, 4:].T)
    letter = bban >= ord("A")
    present = np.arange(4, _LONGEST_IBAN, dtype=np.int64)[:, None] < length
    value = (bban - np.uint8(48) - np.uint8(7) * letter) * present
    width = (letter + np.uint8(1)) * present
    after = width[::-1].cumsum(axis=0, dtype=np.uint8)[::-1] - width
    weighted = value.astype(np.uint16) * np.take(_POWERS_OF_TEN_MOD_97, after)
    head = chars[:, :4].astype(np.int64) - np.array([55, 55, 48, 48])
    first_four = head[:, 0] * 10_000 + head[:, 1] * 100 + head[:, 2] * 10 + head[:, 3]
    remainder = (weighted.sum(axis=0, dtype=np.int64) % 97 * (10**6 % 97) + first_four) % 97
    valid = usable & (remainder == 1)
    return valid, np.zeros(len(length), dtype=np.bool_)


def ipv4s(values: Any) -> Verdicts:
    """``valid_ip`` per dotted-quad cell (four groups of 1-3 digits): octets of 0-255, no
    leading zeros, not in NOT_PUBLIC_V4."""
    import pyarrow.compute as pc

    octets = pc.list_flatten(pc.split_pattern(values, "."))
    _, offsets, _, _ = _string_buffers(octets)
    widths = np.diff(offsets).reshape(-1, 4)
    digits = _matrix(octets, 3, True).astype(np.int64) - 48  # right-aligned, "0"-padded
    hundreds, tens, units = (digits[:, k].reshape(-1, 4) for k in range(3))
    parts = hundreds * 100 + tens * 10 + units
    # An octet's first digit sits at column 3 - width of its row.
    leading_zero = ((widths == 3) & (hundreds == 0)) | ((widths == 2) & (tens == 0))
    well_formed = ~leading_zero.any(axis=1) & (parts <= 255).all(axis=1)
    address = (parts[:, 0] << 24) | (parts[:, 1] << 16) | (parts[:, 2] << 8) | parts[:, 3]
    inside = np.zeros(len(address), dtype=np.bool_)
    for first, last in NOT_PUBLIC_V4:
        inside |= (address >= first) & (address <= last)
    return well_formed & ~inside, np.zeros(len(address), dtype=np.bool_)


def ips(values: Any) -> Verdicts:
    """``valid_ip`` per cell of the ip-address candidate shape (IPv4 or IPv6 characters).

    Dotted quads and IPv6 addresses written with all eight groups are decided in
    arrays. The rest (IPv6 with "::", a zone or brackets, the odd hex-only string)
    go to ``valid_ip`` itself once per distinct value, in one tight loop instead
    of the per-cell candidate search around it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from seawall.detectors.pii import valid_ip

    count = len(values)
    verdict = np.zeros(count, dtype=np.bool_)
    dotted = whole_match(values, r"(?:\d{1,3}\.){3}\d{1,3}")
    if dotted.any():
        rows = np.flatnonzero(dotted)
        verdict[rows] = ipv4s(values.take(pa.array(rows)))[0]
    # Eight groups, no "::", no zone: parsed in arrays (inet_pton takes every such form).
    full = ~dotted & whole_match(values, _FULL_IPV6)
    if full.any():
        rows = np.flatnonzero(full)
        verdict[rows] = _public_ipv6(values.take(pa.array(rows)))
    rows = np.flatnonzero(~dotted & ~full & ~_flags(pc.is_null(values)))
    if len(rows):
        verdict[rows] = judged_per_value(values, rows, valid_ip)
    return verdict, np.zeros(count, dtype=np.bool_)


_FULL_IPV6 = r"[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}"
# Each range of NOT_PUBLIC_V6 as 64-bit halves.
_NOT_PUBLIC_V6_HALVES = [
    (first >> 64, first & (2**64 - 1), last >> 64, last & (2**64 - 1))
    for first, last in NOT_PUBLIC_V6
]


def _public_ipv6(values: Any) -> npt.NDArray[np.bool_]:
    """``valid_ip`` of full eight-group IPv6 addresses: outside every NOT_PUBLIC_V6 range."""
    import pyarrow.compute as pc

    groups = pc.list_flatten(pc.split_pattern(values, ":"))
    hexes = _matrix(groups, 4, True)
    # "0"-"9" are 48-57; "a"-"f" (with upper case folded) 97-102.
    nibbles = np.where(
        hexes <= ord("9"), hexes - np.uint8(48), (hexes | np.uint8(0x20)) - np.uint8(87)
    ).astype(np.uint64)
    words = (
        (nibbles[:, 0] << 12) | (nibbles[:, 1] << 8) | (nibbles[:, 2] << 4) | nibbles[:, 3]
    ).reshape(-1, 8)
    high = (words[:, 0] << 48) | (words[:, 1] << 32) | (words[:, 2] << 16) | words[:, 3]
    low = (words[:, 4] << 48) | (words[:, 5] << 32) | (words[:, 6] << 16) | words[:, 7]
    inside = np.zeros(len(high), dtype=np.bool_)
    for first_high, first_low, last_high, last_low in _NOT_PUBLIC_V6_HALVES:
        from_first = (high > first_high) | ((high == first_high) & (low >= first_low))
        to_last = (high < last_high) | ((high == last_high) & (low <= last_low))
        inside |= from_first & to_last
    return ~inside


def phones(values: Any) -> Verdicts:
    """``valid_phone`` per cell: what the shape cache decides, decided for all cells at once.

    A number of a shape phonenumbers reads without stripping anything but
    separators gets the verdict of that shape (see ``pii._by_shape``). The
    conditions for that (the calling code; no national prefix, international
    prefix or country code at the front of the digits) are regex tests on the
    digit strings, run here over the whole array, and each distinct shape is
    parsed once. A cell those conditions leave open (a national prefix to
    strip, say) goes through ``valid_phone`` itself, so every verdict is
    ``valid_phone``'s.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from seawall.detectors import pii

    count = len(values)
    digits, shapes = _digits_and_shapes(values)
    digit_count = _lengths(digits)
    verdict = np.zeros(count, dtype=np.bool_)
    # Cells still undecided after the array pass; too few or too many digits: False.
    open_ = (digit_count >= 7) & (digit_count <= 15)
    plus = _flags(pc.starts_with(values, "+"))
    international = _matching(values, open_ & plus, pii._PLAIN_INTERNATIONAL.pattern)
    national = _matching(values, open_ & ~plus, pii._PLAIN_NATIONAL.pattern)
    # Every test below runs on the cells it can still change, taken out of the
    # column: in a column of phone numbers each format is a fraction of it.

    # "+CC ...": the calling code is the first of 1-3 digits that names one.
    rows = np.flatnonzero(international)
    numbers = digits.take(pa.array(rows))
    unclaimed = np.ones(len(rows), dtype=np.bool_)
    for size in (1, 2, 3):
        if not unclaimed.any():
            break
        prefix = pc.utf8_slice_codeunits(numbers, 0, size)
        present = pc.unique(prefix.filter(pa.array(unclaimed))).to_pylist()
        for code in sorted(int(p) for p in present if int(p) in _calling_codes()):
            cells = unclaimed & _flags(pc.equal(prefix, str(code)))
            unclaimed &= ~cells
            dialling = pii._dialling(None, code)
            if dialling is None:
                continue  # valid_phone decides
            picked = np.flatnonzero(cells)
            after = pc.utf8_slice_codeunits(numbers.take(pa.array(picked)), size)
            decides = rows[picked[~_prefixed(after, dialling.national_prefix)]]
            verdict[decides] = _decide_rows(
                decides,
                shapes.take(pa.array(decides)),
                _shape_judge(values, digits, None, code, size),
            )
            open_[decides] = False
    # National formats: True if one region's verdict is, False if every region's
    # verdict came from a shape and none is.
    rows = np.flatnonzero(national)
    numbers = digits.take(pa.array(rows))
    every_region_shaped = np.ones(len(rows), dtype=np.bool_)
    for region in pii._NATIONAL_REGIONS:
        dialling = pii._dialling(region, 0)
        if dialling is None:
            every_region_shaped[:] = False
            continue
        elsewhere = _flags(pc.starts_with(numbers, dialling.country_code)) | _prefixed(
            numbers, dialling.international_prefix
        )
        quick = ~_prefixed(numbers, dialling.national_prefix) & ~elsewhere
        decided = quick.copy()
        found = np.zeros(len(rows), dtype=np.bool_)
        ask = np.flatnonzero(quick & ~verdict[rows])
        found[ask] = _decide_rows(
            rows[ask], shapes.take(pa.array(rows[ask])), _shape_judge(values, digits, region, 0, 0)
        )
        national_number = _zero_prefix_pattern(region)
        if national_number is not None:
            # A trunk "0" in front: whether phonenumbers strips it depends on the
            # region's national-number pattern matching the digits with and without
            # it, so those two answers join the shape in the key. (In today's
            # metadata no pattern of these regions starts with 0, so the "0" is
            # always stripped; the key stays right if that changes.)
            zero = ~quick & ~elsewhere & _flags(pc.starts_with(numbers, "0"))
            ask = np.flatnonzero(zero & ~verdict[rows])
            if len(ask):
                trunk = numbers.take(pa.array(ask))
                keys = pc.binary_join_element_wise(
                    shapes.take(pa.array(rows[ask])),
                    _verdict_text(whole_match(trunk, national_number)),
                    _verdict_text(whole_match(pc.utf8_slice_codeunits(trunk, 1), national_number)),
                    "|",
                )
                found[ask] |= _decide_rows(rows[ask], keys, _parse_judge(values, region))
            decided |= zero
        every_region_shaped &= decided
        verdict[rows] |= found
        open_[rows] &= ~found
    open_[rows] &= ~every_region_shaped
    left = np.flatnonzero(open_)
    if len(left):
        verdict[left] = judged_per_value(values, left, pii.valid_phone)
    return verdict, np.zeros(count, dtype=np.bool_)


def _matching(values: Any, cells: npt.NDArray[np.bool_], pattern: str) -> npt.NDArray[np.bool_]:
    """``cells``, less those ``pattern`` does not match whole."""
    rows = np.flatnonzero(cells)
    found = np.zeros(len(cells), dtype=np.bool_)
    if len(rows):
        found[rows] = whole_match(take_rows(values, rows), pattern)
    return found


# Byte classes by uint8 arithmetic (a subtraction wraps below the range): some
# twenty times faster than looking each byte up in a 256-entry table, which numpy
# does through its general fancy-indexing path.
def _is_digit(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    return (data - np.uint8(ord("0"))) < 10


def _is_letter(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    # | 0x20 folds A-Z onto a-z; no other byte lands in a-z.
    return ((data | np.uint8(0x20)) - np.uint8(ord("a"))) < 26


def _digits_and_shapes(values: Any) -> tuple[Any, Any]:
    """Each string's digits alone, and the string with every digit written "d"."""
    import pyarrow as pa

    count, offsets, data, validity = _string_buffers(values)
    digit = _is_digit(data)
    shape = data.copy()
    shape[digit] = ord("d")
    shapes = pa.StringArray.from_buffers(
        count, pa.py_buffer(offsets), pa.py_buffer(shape), validity
    )
    return _kept(count, offsets, data, validity, digit), shapes


def _without(values: Any, characters: bytes) -> Any:
    """Each string with the given ASCII characters removed (what a regex replace with
    "" does, on the Arrow buffers with numpy instead of visiting each match in RE2)."""
    count, offsets, data, validity = _string_buffers(values)
    keep = np.ones(len(data), dtype=np.bool_)
    for character in set(characters):
        keep &= data != character
    if keep.all():  # nothing to drop (a column of plain digit strings)
        return values
    return _kept(count, offsets, data, validity, keep)


def _string_buffers(values: Any) -> tuple[int, npt.NDArray[np.int32], npt.NDArray[np.uint8], Any]:
    """(length, offsets from 0, UTF-8 bytes, validity buffer) of a string array."""
    import pyarrow as pa

    strings = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if not pa.types.is_string(strings.type):  # large_string: 64-bit offsets
        strings = strings.cast(pa.string())
    if strings.offset:  # a slice: a copy of its own, so the validity bits start at 0
        strings = pa.concat_arrays([strings])
    count = len(strings)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)[: count + 1]
    data_buffer = strings.buffers()[2]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
        if data_buffer is not None
        else np.zeros(0, dtype=np.uint8)
    )
    if offsets[0]:
        offsets = offsets - offsets[0]
    return count, offsets, data, strings.buffers()[0]


def _kept(
    count: int,
    offsets: npt.NDArray[np.int32],
    data: npt.NDArray[np.uint8],
    validity: Any,
    keep: npt.NDArray[np.bool_],
) -> Any:
    """The strings with only the bytes ``keep`` marks."""
    import pyarrow as pa

    kept = np.concatenate((np.zeros(1, np.int32), np.cumsum(_per_cell(offsets, keep))))
    return pa.StringArray.from_buffers(
        count, pa.py_buffer(kept.astype(np.int32)), pa.py_buffer(data[keep]), validity
    )


def _per_cell(
    offsets: npt.NDArray[np.int32], marks: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int32]:
    """How many bytes each cell has marked (``offsets``: the cells' byte ranges).

    ``add.reduceat`` sums each range in one C loop, some four times faster than a
    running sum over every byte. It reads one byte for an empty range, so those
    are set to 0 afterwards (and a range at the very end is pointed inside first).
    """
    starts = offsets[:-1]
    if not len(marks):
        return np.zeros(len(starts), dtype=np.int32)
    counts: npt.NDArray[np.int32] = np.add.reduceat(
        marks, np.minimum(starts, len(marks) - 1), dtype=np.int32
    )
    counts[offsets[1:] == starts] = 0
    return counts


def _shape_judge(
    values: Any, digits: Any, region: str | None, code: int, size: int
) -> Callable[[int], bool]:
    """A row's verdict from ``pii._by_shape`` (the caller has checked it applies);
    ``size``: the calling code's digits, left out of the digits after it."""
    from seawall.detectors import pii

    def judge(row: int) -> bool:
        after = digits[row].as_py()[size:]
        return bool(pii._by_shape(values[row].as_py(), region, code, after))

    return judge


def _parse_judge(values: Any, region: str) -> Callable[[int], bool]:
    """A row's verdict from a full parse in ``region``."""
    from seawall.detectors import pii

    return lambda row: pii._parsed_possible(values[row].as_py(), (region,))


def _verdict_text(flags: npt.NDArray[np.bool_]) -> Any:
    """ "y" or "n" per flag, written straight into Arrow's buffers."""
    import pyarrow as pa

    count = len(flags)
    letters = np.where(flags, np.uint8(ord("y")), np.uint8(ord("n"))).astype(np.uint8)
    offsets = np.arange(count + 1, dtype=np.int32)
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(letters))


@functools.cache
def _zero_prefix_pattern(region: str) -> str | None:
    """The region's national-number pattern, when its trunk prefix is a plain "0".

    That is: phonenumbers strips exactly one "0" whatever digit follows, with
    no carrier code and no transformation (GB, DE, FR and IN; not US, whose
    prefix "1" is also its calling code, nor BR's carrier-code prefixes).
    """
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return None
    prefix = metadata.national_prefix_for_parsing
    if not prefix or metadata.national_prefix_transform_rule or re.compile(prefix).groups:
        return None
    for digit in "0123456789":
        found = re.match(prefix, "0" + digit)
        if found is None or found.end() != 1:
            return None
    pattern: str | None = metadata.general_desc.national_number_pattern
    return pattern


def _decide_rows(
    rows: npt.NDArray[np.int64], keys: Any, judge: Callable[[int], bool]
) -> npt.NDArray[np.bool_]:
    """``judge`` of one row per distinct key (``keys``: one per row), spread to all rows."""
    import pyarrow.compute as pc

    if not len(rows):
        return np.zeros(0, dtype=np.bool_)
    unique = pc.unique(keys)
    first = pc.index_in(unique, value_set=keys).to_numpy(zero_copy_only=False)
    verdicts = np.asarray([judge(int(rows[at])) for at in first], dtype=np.bool_)
    found: npt.NDArray[np.bool_] = verdicts[
        pc.index_in(keys, value_set=unique).to_numpy(zero_copy_only=False)
    ]
    return found


@functools.cache
def _calling_codes() -> frozenset[int]:
    import phonenumbers

    return frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


class CellFeatures:
    """What the candidate regexes need, counted once for a column's cells.

    Digits per cell come from one cumulative sum over the UTF-8 buffer, lengths
    and single characters from Arrow's literal kernels; :meth:`possible` then
    says which cells a detector's regex can match at all, so a column of email
    addresses never goes through the card, SSN and NINO regexes.
    """

    def __init__(self, cells: Any) -> None:
        self._cells = cells
        self._digits: npt.NDArray[np.int32] | None = None
        self._letters: npt.NDArray[np.int32] | None = None
        self._lengths: npt.NDArray[np.int64] | None = None
        self._has: dict[str, npt.NDArray[np.bool_]] = {}

    def possible(self, detector: PiiDetector) -> npt.NDArray[np.bool_] | None:
        """Cells that meet ``detector``'s requirements, or None when it states none."""
        keep: npt.NDArray[np.bool_] | None = None
        if detector.min_digits:
            keep = self.digits() >= detector.min_digits
        if detector.min_letters:
            enough = self.letters() >= detector.min_letters
            keep = enough if keep is None else keep & enough
        if detector.min_length or detector.max_length is not None:
            lengths = self.lengths()
            fits = lengths >= detector.min_length
            if detector.max_length is not None:
                fits &= lengths <= detector.max_length
            keep = fits if keep is None else keep & fits
        if detector.needs:
            has = self.has(detector.needs)
            keep = has if keep is None else keep & has
        return keep

    def digits(self) -> npt.NDArray[np.int32]:
        if self._digits is None:
            self._digits = self._count(_is_digit)
        return self._digits

    def letters(self) -> npt.NDArray[np.int32]:
        if self._letters is None:
            self._letters = self._count(_is_letter)
        return self._letters

    def _count(
        self, marks: Callable[[npt.NDArray[np.uint8]], npt.NDArray[np.bool_]]
    ) -> npt.NDArray[np.int32]:
        """Per cell, the bytes ``marks`` picks."""
        _, offsets, data, _ = _string_buffers(self._cells)
        return _per_cell(offsets, marks(data))

    def lengths(self) -> npt.NDArray[np.int64]:
        if self._lengths is None:
            import pyarrow.compute as pc

            counted = pc.fill_null(pc.utf8_length(self._cells), 0)
            self._lengths = np.asarray(counted.to_numpy(zero_copy_only=False), dtype=np.int64)
        return self._lengths

    def has(self, character: str) -> npt.NDArray[np.bool_]:
        if character not in self._has:
            self._has[character] = self._holding(character)
        return self._has[character]

    def _holding(self, character: str) -> npt.NDArray[np.bool_]:
        """Cells that hold ``character``: an ASCII one is found in the byte buffer and
        its cell looked up (Arrow's substring kernel costs more per cell than numpy
        per byte); any other through Arrow."""
        encoded = character.encode()
        if len(encoded) != 1 or encoded[0] > 0x7F:
            import pyarrow.compute as pc

            return _flags(pc.match_substring(self._cells, character))
        _, offsets, data, _ = _string_buffers(self._cells)
        found = np.zeros(len(offsets) - 1, dtype=np.bool_)
        at = np.flatnonzero(data == encoded[0])
        found[np.searchsorted(offsets, at, side="right") - 1] = True
        return found


_INVALID_TLD = np.frombuffer(b".invalid", dtype=np.uint8)


def maybe_masked(values: Any) -> npt.NDArray[np.bool_]:
    """Cells ``pii.MASKED_PATTERN`` may match, found with byte tests (a superset).

    The pattern's alternatives need "*", "#", "[", "<" or "_" (runs of stars
    and hashes, [REDACTED...], <redacted>, tok_ tokens), four x's in a row, a
    length of 0, 32, 40 or 64 (empty, hex digests) or a ".invalid" ending. Its
    case-insensitive letters have no non-ASCII case variants, so byte tests
    on ASCII case miss nothing; nulls count as not masked.
    """
    count, offsets, data, _ = _string_buffers(values)
    special = (data == 42) | (data == 35) | (data == 91) | (data == 60) | (data == 95)
    if len(data) >= 4:
        x = (data | np.uint8(0x20)) == ord("x")
        special[:-3] |= x[:-3] & x[1:-2] & x[2:-1] & x[3:]
    found = np.zeros(count, dtype=np.bool_)
    found[np.searchsorted(offsets, np.flatnonzero(special), side="right") - 1] = True
    lengths = np.diff(offsets)
    found |= (lengths == 0) | (lengths == 32) | (lengths == 40) | (lengths == 64)
    # ".invalid" at the end: the last byte first (a "d" is rare), then the other seven.
    ends = offsets[1:].astype(np.int64)
    last = data[np.maximum(ends - 1, 0)] | np.uint8(0x20) if len(data) else ends.astype(np.uint8)
    ending = np.flatnonzero((last == ord("d")) & (lengths >= len(_INVALID_TLD)))
    if len(ending):
        tails = data[ends[ending, None] - np.arange(len(_INVALID_TLD), 0, -1)] | np.uint8(0x20)
        found[ending] |= (tails == _INVALID_TLD).all(axis=1)
    if values.null_count:
        import pyarrow.compute as pc

        found &= _flags(pc.is_valid(values))
    return found


def false_for_null(flags: Any) -> Any:
    """A boolean Arrow array (or chunked array) with its nulls made False.

    Kleene AND with the validity mask, not ``fill_null``: Arrow's coalesce
    kernel walks booleans bit by bit, some fifty times slower (1.2 ms against
    23 µs on 65,536 cells).
    """
    import pyarrow.compute as pc

    return flags if flags.null_count == 0 else pc.and_kleene(flags, pc.is_valid(flags))


def true_for_null(flags: Any) -> Any:
    """A boolean Arrow array (or chunked array) with its nulls made True (see above)."""
    import pyarrow.compute as pc

    return flags if flags.null_count == 0 else pc.or_kleene(flags, pc.is_null(flags))


def _flags(array: Any) -> npt.NDArray[np.bool_]:
    return np.asarray(false_for_null(array).to_numpy(zero_copy_only=False), dtype=np.bool_)


def whole_match(values: Any, pattern: str) -> npt.NDArray[np.bool_]:
    """Cells ``pattern`` matches whole (nulls: False)."""
    return _flags(_fullmatch(values, pattern))


def search_match(values: Any, pattern: str, ignore_case: bool = False) -> npt.NDArray[np.bool_]:
    """Cells ``pattern`` matches somewhere in (nulls: False)."""
    import pyarrow.compute as pc

    return _flags(pc.match_substring_regex(values, pattern, ignore_case=ignore_case))


def take_rows(values: Any, rows: npt.NDArray[np.int64]) -> Any:
    """The cells at ``rows`` (ascending, distinct): the array itself when that is all of it."""
    import pyarrow as pa

    return values if len(rows) == len(values) else values.take(pa.array(rows))


def _fullmatch(values: Any, pattern: str) -> Any:
    import pyarrow.compute as pc

    return pc.match_substring_regex(values, f"^(?:{pattern})$")


def _prefixed(strings: Any, prefix: re.Pattern[str] | None) -> npt.NDArray[np.bool_]:
    """Where ``prefix.match`` finds the pattern at the front of the string (False: no prefix)."""
    import pyarrow.compute as pc

    if prefix is None:
        return np.zeros(len(strings), dtype=np.bool_)
    return _flags(pc.match_substring_regex(strings, f"^(?:{prefix.pattern})"))


# detector type -> (whole-cell pattern, the array validator); the pattern is
# anchored by the caller, None means the detector's candidate, and a whole match
# always holds a candidate (tests check it).
VECTOR_VALIDATORS: dict[str, tuple[str | None, Callable[[Any], Verdicts]]] = {
    # A leading "+" (a phone number's) is outside the candidate the text scan takes.
    "card": (r"\+?(?:\d[ \-]?){11,18}\d", cards),
    "ssn": (None, ssns),
    "iban": (None, ibans),
    "ip-address": (None, ips),
    "phone": (None, phones),
}
