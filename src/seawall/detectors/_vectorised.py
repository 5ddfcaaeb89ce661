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

import functools
import re
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
    digits = pc.replace_substring_regex(values, r"[^0-9]", "")
    digit_count = _lengths(digits)
    shapes = pc.replace_substring_regex(values, r"[0-9]", "d")
    verdict = np.zeros(count, dtype=np.bool_)
    # Cells still undecided after the array pass; too few or too many digits: False.
    open_ = (digit_count >= 7) & (digit_count <= 15)
    plus = _flags(pc.starts_with(values, "+"))
    international = open_ & plus & _flags(_fullmatch(values, pii._PLAIN_INTERNATIONAL.pattern))
    national = open_ & ~plus & _flags(_fullmatch(values, pii._PLAIN_NATIONAL.pattern))
    shaped = _ShapeVerdicts(values, digits, shapes)

    # "+CC ...": the calling code is the first of 1-3 digits that names one.
    unclaimed = international.copy()
    for size in (1, 2, 3):
        if not unclaimed.any():
            break
        prefix = pc.utf8_slice_codeunits(digits, 0, size)
        present = pc.unique(prefix.filter(pa.array(unclaimed))).to_pylist()
        for code in sorted(int(p) for p in present if int(p) in _calling_codes()):
            cells = unclaimed & _flags(pc.equal(prefix, str(code)))
            unclaimed &= ~cells
            dialling = pii._dialling(None, code)
            if dialling is None:
                continue  # valid_phone decides
            after = pc.utf8_slice_codeunits(digits, size)
            quick = cells & ~_prefixed(after, dialling.national_prefix)
            verdict |= shaped.decide(quick, None, code, after)
            open_ &= ~quick
    # National formats: True if one region's verdict is, False if every region's
    # verdict came from its shape and none is.
    every_region_shaped = national.copy()
    for region in pii._NATIONAL_REGIONS:
        dialling = pii._dialling(region, 0)
        if dialling is None:
            every_region_shaped[:] = False
            continue
        quick = (
            national
            & ~_prefixed(digits, dialling.national_prefix)
            & ~_flags(pc.starts_with(digits, dialling.country_code))
            & ~_prefixed(digits, dialling.international_prefix)
        )
        every_region_shaped &= quick
        found = shaped.decide(quick & ~verdict, region, 0, digits)
        verdict |= found
        open_ &= ~found
    open_ &= ~every_region_shaped
    for index in np.flatnonzero(open_):
        verdict[index] = shaped.valid_phone(int(index))
    return verdict, np.zeros(count, dtype=np.bool_)


class _ShapeVerdicts:
    """Per (region, calling code, shape), the verdict of one full parse, mapped onto cells."""

    def __init__(self, values: Any, digits: Any, shapes: Any) -> None:
        self._values, self._digits, self._shapes = values, digits, shapes
        self._by_value: dict[str, bool] = {}

    def decide(
        self, cells: npt.NDArray[np.bool_], region: str | None, code: int, after: Any
    ) -> npt.NDArray[np.bool_]:
        """True where the cells' shapes are possible numbers in ``region`` / for ``code``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from seawall.detectors import pii

        found = np.zeros(len(cells), dtype=np.bool_)
        rows = np.flatnonzero(cells)
        if not len(rows):
            return found
        taken = pa.array(rows)
        shapes = self._shapes.take(taken)
        unique = pc.unique(shapes)
        first = pc.index_in(unique, value_set=shapes).to_numpy(zero_copy_only=False)
        verdicts = []
        for position in first:
            row = int(rows[position])
            shaped = pii._by_shape(self._values[row].as_py(), region, code, after[row].as_py())
            verdicts.append(bool(shaped))  # None cannot happen: the conditions held
        where = pc.index_in(shapes, value_set=unique).to_numpy(zero_copy_only=False)
        found[rows] = np.asarray(verdicts, dtype=np.bool_)[where]
        return found

    def valid_phone(self, row: int) -> bool:
        from seawall.detectors import pii

        value = self._values[row].as_py()
        verdict = self._by_value.get(value)
        if verdict is None:
            verdict = self._by_value[value] = pii.valid_phone(value)
        return verdict


@functools.cache
def _calling_codes() -> frozenset[int]:
    import phonenumbers

    return frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def _flags(array: Any) -> npt.NDArray[np.bool_]:
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=np.bool_)


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
# anchored by the caller and is narrower than the detector's candidate where
# only part of what it accepts can be decided here (IPv4 of the IP detector).
VECTOR_VALIDATORS: dict[str, tuple[str | None, Callable[[Any], Verdicts]]] = {
    # A leading "+" (a phone number's) is outside the candidate the text scan takes.
    "card": (r"\+?(?:\d[ \-]?){11,18}\d", cards),
    "ssn": (None, ssns),
    "iban": (None, ibans),
    "ip-address": (r"(?:\d{1,3}\.){3}\d{1,3}", ipv4s),
    "phone": (None, phones),
}
