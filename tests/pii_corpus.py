"""A labelled synthetic PII table: PII columns with look-alikes mixed in, and distractors.

Used by the accuracy test (tests/test_pii_accuracy.py) and the benchmark
(bench/pii.py). Six PII columns (email, phone numbers in eight national and
international formats, cards of several brands and groupings, SSNs, IBANs, IPv4
and IPv6), a tenth of each a look-alike or a mask, and six distractor columns:
order ids, UUIDs, Luhn-failing 16-digit numbers, timestamps, versions, SKUs.
"""

from __future__ import annotations

import ipaddress
import random
import string
import uuid
from pathlib import Path

import pyarrow as pa

from seawall.collectors.data_pii import scan_file

FIRST = ["Jane", "John", "Maria", "Wei", "Aisha", "Lukas", "Sofia", "Rahul", "Emma", "Carlos"]
LAST = ["Roe", "Smith", "Garcia", "Chen", "Khan", "Müller", "Rossi", "Patel", "Dubois", "Silva"]
DOMAINS = ["acme-mail.net", "mailbox.org", "corp.io", "gmx.de", "orange.fr", "yahoo.co.in"]
# National formats the issue names (valid ranges, not necessarily assigned numbers).
PHONES = [
    lambda r: f"+1 {r.randint(201, 989)} {r.randint(200, 999)} {r.randint(1000, 9999)}",
    lambda r: f"({r.randint(201, 989)}) {r.randint(200, 999)}-{r.randint(1000, 9999)}",
    lambda r: f"+44 20 {r.randint(7000, 8999)} {r.randint(1000, 9999)}",
    lambda r: f"07{r.randint(400, 999)} {r.randint(100000, 999999)}",
    lambda r: f"+49 30 {r.randint(1000000, 99999999)}",
    lambda r: (
        f"+33 6 {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}"
    ),
    lambda r: f"+91 {r.randint(70000, 99999)} {r.randint(10000, 99999)}",
    lambda r: f"+55 11 9{r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
]
CARD_PREFIXES = [
    ("4", 16),
    ("4", 19),
    ("51", 16),
    ("2221", 16),
    ("2720", 16),
    ("37", 15),
    ("6011", 16),
]
CARD_GROUPS = {16: [(4, 4, 4, 4), (16,)], 19: [(4, 4, 4, 4, 3), (19,)], 15: [(4, 6, 5), (15,)]}
TYPES = ["email", "phone", "card", "ssn", "iban", "ip-address"]


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        digits = [int(d) for d in body + check][::-1]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return body + check
    raise AssertionError


def card(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    number = luhn_complete(prefix, length, rng)
    groups, out, at = rng.choice(CARD_GROUPS[length]), [], 0
    for size in groups:
        out.append(number[at : at + size])
        at += size
    return rng.choice([" ", "-"]).join(out)


def iban(rng: random.Random) -> str:
    country, bban = rng.choice(
        [("GB", "WEST" + "".join(rng.choice(string.digits) for _ in range(14))),
         ("DE", "".join(rng.choice(string.digits) for _ in range(18))),
         ("FR", "".join(rng.choice(string.digits) for _ in range(23)))]
    )  # fmt: skip
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    value = f"{country}{check:02d}{bban}"
    return (
        " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if rng.random() < 0.5 else value
    )


def ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def ip(rng: random.Random) -> str:
    # Public-looking addresses: private, multicast, reserved (224/3) and non-global IPv6 space are
    # not personal data by the validator's rules, so the generator does not call them PII.
    if rng.random() < 0.7:
        while True:
            value = ".".join(str(rng.randint(1, 223 if i == 0 else 254)) for i in range(4))
            if ipaddress.ip_address(value).is_global:
                return value
    return ":".join(
        [f"{rng.randint(0x2000, 0x3FFF):x}"] + [f"{rng.randint(0, 65535):x}" for _ in range(7)]
    )


def generate(rows: int, seed: int) -> tuple[pa.Table, dict[str, list[bool]]]:
    """The table and, per PII column, which cells truly hold that type."""
    rng = random.Random(seed)
    columns: dict[str, list[str]] = {k: [] for k in
        ["customer_email", "phone", "card_number", "ssn", "iban", "client_ip",
         "order_id", "ref_uuid", "tracking_no", "created_at", "version", "sku"]}  # fmt: skip
    truth: dict[str, list[bool]] = {
        k: [] for k in ["customer_email", "phone", "card_number", "ssn", "iban", "client_ip"]
    }
    for _ in range(rows):
        negative = rng.random() < 0.1  # a tenth of each PII column is a look-alike or a mask
        first, last = rng.choice(FIRST), rng.choice(LAST)
        columns["customer_email"].append(
            f"tok_{rng.getrandbits(32):08x}@x.invalid"
            if negative
            else f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
        )
        columns["phone"].append("N/A" if negative else rng.choice(PHONES)(rng))
        columns["card_number"].append(
            str(rng.randint(10**15, 10**16 - 1)) if negative else card(rng)
        )
        columns["ssn"].append(
            f"{rng.randint(900, 999)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
            if negative
            else ssn(rng)
        )
        columns["iban"].append("GB00 WEST 1234 5698 7654 32" if negative else iban(rng))
        columns["client_ip"].append("-" if negative else ip(rng))
        columns["order_id"].append(str(rng.randint(100_000_000, 999_999_999)))
        columns["ref_uuid"].append(str(uuid.UUID(int=rng.getrandbits(128))))
        tracking = luhn_complete("4", 16, rng)
        columns["tracking_no"].append(tracking[:-1] + str((int(tracking[-1]) + 1) % 10))
        columns["created_at"].append(
            f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"
        )
        columns["version"].append(
            f"{rng.randint(0, 20)}.{rng.randint(0, 50)}.{rng.randint(0, 200)}"
        )
        columns["sku"].append(
            f"SKU-{rng.randint(1000, 9999)}-{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}"
        )
        for column in truth:
            truth[column].append(not negative)
    return pa.table(columns), truth


TRUTH_TYPE = {
    "customer_email": "email",
    "phone": "phone",
    "card_number": "card",
    "ssn": "ssn",
    "iban": "iban",
    "client_ip": "ip-address",
}


def true_cells(table: pa.Table, truth: dict[str, list[bool]]) -> dict[str, set[tuple[str, int]]]:
    cells: dict[str, set[tuple[str, int]]] = {t: set() for t in TYPES}
    for column, flags in truth.items():
        for row, flag in enumerate(flags):
            if flag:
                cells[TRUTH_TYPE[column]].add((column, row))
    # A random 16-digit "negative" in the card column that happens to pass Luhn and a
    # brand range is a valid card number: the truth follows the checksum, not the intent.
    from seawall.detectors.pii import valid_card

    for row, value in enumerate(table.column("card_number").to_pylist()):
        if not truth["card_number"][row] and valid_card(value):
            cells["card"].add(("card_number", row))
    return cells


def score(
    found: dict[str, set[tuple[str, int]]], truth: dict[str, set[tuple[str, int]]]
) -> dict[str, tuple[float, float]]:
    out = {}
    for kind in TYPES:
        got, want = found.get(kind, set()), truth[kind]
        tp = len(got & want)
        out[kind] = (tp / len(got) if got else 1.0, tp / len(want) if want else 1.0)
    return out


def seawall_cells(path: Path) -> dict[str, set[tuple[str, int]]]:
    result = scan_file(str(path), path.name, example_limit=10**9)
    found: dict[str, set[tuple[str, int]]] = {}
    for column in result.columns:
        found.setdefault(column.type, set()).update((column.column, r - 1) for r in column.examples)
    return found
