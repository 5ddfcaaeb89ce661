"""PII validators over whole Arrow columns: cards, SSNs, IBANs and IPv4 addresses.

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

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from seawall.detectors.pii import (
    IBAN_LENGTHS,
    NOT_PUBLIC_V4,
    TEST_CARDS,
    TEST_SSNS,
)

__all__ = ["VECTOR_VALIDATORS"]

Verdicts = tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]


def _matrix(strings: Any, width: int, align_right: bool) -> npt.NDArray[np.uint8]:
    """Each string padded to ``width`` characters ("0" on the left or "~" on the right)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    padded = pc.utf8_lpad(strings, width, "0") if align_right else pc.utf8_rpad(strings, width, "~")
    padded = padded.combine_chunks() if isinstance(padded, pa.ChunkedArray) else padded
    count = len(padded)
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[
        padded.offset : padded.offset + count + 1
    ]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
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


def cards(values: Any) -> Verdicts:
    """``valid_card`` per cell: 12-19 digits, 3+ distinct digits, brand range and length, Luhn."""
    import pyarrow.compute as pc

    digits = pc.replace_substring_regex(values, r"[ \-+]", "")
    length = _lengths(digits)
    test = _in(digits, TEST_CARDS)
    usable = (length >= 12) & (length <= 19)
    right = _matrix(pc.if_else(usable, digits, "000000000000"), 19, True).astype(np.int16) - 48
    # Luhn from the right: every second digit doubled (odd columns of a 19-wide,
    # right-aligned row); leading pad zeros add nothing.
    doubled = right[:, 1::2] * 2
    total = right[:, 0::2].sum(axis=1) + (doubled - 9 * (doubled > 9)).sum(axis=1)
    luhn = total % 10 == 0
    in_number = np.arange(19)[None, :] >= (19 - length)[:, None]
    distinct = sum(((right == d) & in_number).any(axis=1).astype(np.int8) for d in range(10))
    p4 = _numbers(pc.utf8_slice_codeunits(pc.if_else(usable, digits, "0000"), 0, 4))
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

    digits = pc.replace_substring_regex(values, r"-", "")
    nine = _lengths(digits) == 9
    number = _numbers(pc.if_else(pc.equal(pc.utf8_length(digits), 9), digits, "0"))
    area, group, serial = number // 1_000_000, (number // 10_000) % 100, number % 10_000
    valid = nine & (area != 0) & (area != 666) & (area < 900) & (group != 0) & (serial != 0)
    test = _in(digits, TEST_SSNS)
    return valid & ~test, valid & test


_LONGEST_IBAN = max(IBAN_LENGTHS.values())


def ibans(values: Any) -> Verdicts:
    """``valid_iban`` per cell: the country's length and ISO 13616 mod-97 = 1."""
    import pyarrow as pa
    import pyarrow.compute as pc

    iban = pc.utf8_upper(pc.replace_substring_regex(values, r"\s", ""))
    length = _lengths(iban)
    countries = sorted(IBAN_LENGTHS)
    index = pc.index_in(pc.utf8_slice_codeunits(iban, 0, 2), value_set=pa.array(countries))
    expected_by_index = np.array([IBAN_LENGTHS[c] for c in countries] + [-1], dtype=np.int64)
    position = np.asarray(pc.fill_null(index, len(countries)).to_numpy(zero_copy_only=False))
    usable = expected_by_index[position] == length
    short = pc.if_else(pa.array(usable), iban, "XX00")
    rearranged = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(short, 4), pc.utf8_slice_codeunits(short, 0, 4), ""
    )
    chars = _matrix(rearranged, _LONGEST_IBAN, False).astype(np.int64)
    letter = chars >= 65  # "A".."Z" (the candidate pattern allows only letters and digits)
    value = np.where(letter, chars - 55, chars - 48)
    remainder = np.zeros(len(length), dtype=np.int64)
    for column in range(_LONGEST_IBAN):
        present = column < length
        step = np.where(letter[:, column], 100, 10)
        remainder = np.where(present, (remainder * step + value[:, column]) % 97, remainder)
    valid = usable & (remainder == 1)
    return valid, np.zeros(len(length), dtype=np.bool_)


def ipv4s(values: Any) -> Verdicts:
    """``valid_ip`` per IPv4 cell: four octets of 0-255, no leading zeros, not in NOT_PUBLIC_V4."""
    import pyarrow.compute as pc

    octets = pc.split_pattern(values, ".")
    flat = pc.list_flatten(octets)
    leading_zero = np.asarray(
        pc.match_substring_regex(flat, r"^0\d").to_numpy(zero_copy_only=False), dtype=np.bool_
    ).reshape(-1, 4)
    parts = _numbers(flat).reshape(-1, 4)
    well_formed = ~leading_zero.any(axis=1) & (parts <= 255).all(axis=1)
    address = (parts * np.array([1 << 24, 1 << 16, 1 << 8, 1], dtype=np.int64)).sum(axis=1)
    inside = np.zeros(len(address), dtype=np.bool_)
    for first, last in NOT_PUBLIC_V4:
        inside |= (address >= first) & (address <= last)
    return well_formed & ~inside, np.zeros(len(address), dtype=np.bool_)


# detector type -> (whole-cell pattern, the array validator); the pattern is
# anchored by the caller and is narrower than the detector's candidate where
# only part of what it accepts can be decided here (IPv4 of the IP detector).
VECTOR_VALIDATORS: dict[str, tuple[str | None, Callable[[Any], Verdicts]]] = {
    # A leading "+" (a phone number's) is outside the candidate the text scan takes.
    "card": (r"\+?(?:\d[ \-]?){11,18}\d", cards),
    "ssn": (None, ssns),
    "iban": (None, ibans),
    "ip-address": (r"(?:\d{1,3}\.){3}\d{1,3}", ipv4s),
}
