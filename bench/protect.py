"""Protect benchmarks (issue #8): redaction overhead, tokenization, field and payload encryption.

Side by side in one run, single core:

- stdlib logging to a handler writing /dev/null, per record: no filter; a
  naive filter of 20 regexes applied one after another (the anchor in
  ANCHORS.md, "Crypto and logging"); Seawall's RedactingFilter. Records are the
  labelled corpus of tests/log_corpus.py (30% with something to redact), so the
  same run also gives each filter's redaction rate and false redactions.
- Tokenization: Tokenizer.tokenize_many vs the bare HMAC-SHA256 loop.
- Field encryption: EnvelopeCipher.encrypt (data key cached per batch) of
  100-byte fields with a (table, column, row) context vs raw AESGCM.encrypt.
- Large payloads: EnvelopeCipher.encrypt of 64 MiB vs raw AESGCM.encrypt.

Run: python bench/protect.py   (SEAWALL_BENCH_LOG_RECORDS to change the 30,000)
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _report import write_section
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from log_corpus import LogRecordSample, corpus

from seawall.protect import DataKeyStore, EnvelopeCipher, LocalKeyring, RedactingFilter, Tokenizer
from seawall.protect.redaction import Redactor

RECORDS = int(os.environ.get("SEAWALL_BENCH_LOG_RECORDS", "30000"))
REPEATS = 5
# Logging rows swing most with the VM (each round is well under a second): more rounds.
LOG_ROUNDS = 9

# The anchor: twenty independent patterns, each a full pass with re.sub.
NAIVE_PATTERNS = [
    (re.compile(p, re.IGNORECASE), f"[REDACTED:{name}]")
    for name, p in [
        ("email", r"[\w.+\-]+@[\w\-]+\.[\w.\-]+"),
        ("card", r"\b(?:\d[ \-]?){13,19}\b"),
        ("ssn", r"\b\d{3}-\d{2}-\d{4}\b"),
        ("iban", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"),
        ("phone", r"\+?\d[\d ()\-]{7,}\d"),
        ("jwt", r"eyJ[\w\-]+\.[\w\-]+\.[\w\-]*"),
        ("bearer", r"(?<=bearer )[\w.~+/\-]+=*"),
        ("basic", r"(?<=basic )[A-Za-z0-9+/]+=*"),
        ("password", r"(?<=password=)\S+"),
        ("password-json", r'(?<="password": ")[^"]+'),
        ("token", r"(?<=token=)\S+"),
        ("secret", r"(?<=secret=)\S+"),
        ("api-key", r"(?<=api_key=)\S+"),
        ("aws", r"\bAKIA[0-9A-Z]{16}\b"),
        ("github", r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
        ("slack", r"\bxox[abposr]-[\w\-]+"),
        (
            "private-key",
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----",
        ),
        ("url-password", r"(?<=://)[^:/@\s]+:[^@\s/]+(?=@)"),
        ("cookie", r"(?<=cookie: ).+"),
        ("authorization", r"(?<=authorization: ).+"),
    ]
]


class NothingFilter(logging.Filter):
    """The cost of having a filter at all: keeps every record, touches nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return True


class GateOnlyFilter(logging.Filter):
    """The floor of Seawall's design: format the message and run the one Hyperscan pass."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._gate = redactor._gate

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        self._gate.candidates(message.encode("utf-8", "surrogateescape"))
        record.msg, record.args = message, None
        return True


class NaiveFilter(logging.Filter):
    """What teams write first: format the message, then twenty re.sub passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for pattern, replacement in NAIVE_PATTERNS:
            message = pattern.sub(replacement, message)
        record.msg, record.args = message, None
        return True


def naive_redact(text: str) -> str:
    for pattern, replacement in NAIVE_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _logger(name: str, log_filter: logging.Filter | None) -> logging.Logger:
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 - lives for the run
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    if log_filter is not None:
        handler.addFilter(log_filter)
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def per_record_us(loggers: dict[str, logging.Logger], texts: list[str]) -> dict[str, float]:
    """Median µs per record for each logger, the loggers timed in rotation.

    Each round times every logger once, so a change of the VM's speed during
    the run touches every row alike instead of the one that happened to run then.
    """
    for logger in loggers.values():
        for text in texts[:2000]:
            logger.info("%s", text)  # warm up
    samples: dict[str, list[float]] = {name: [] for name in loggers}
    for _ in range(LOG_ROUNDS):
        for name, logger in loggers.items():
            started = time.perf_counter()
            for text in texts:
                logger.info("%s", text)
            samples[name].append((time.perf_counter() - started) / len(texts) * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def quality(records: list[LogRecordSample], redact: Callable[[str], str]) -> tuple[float, float]:
    """(redaction rate over sensitive values, share of clean records changed)."""
    sensitive = missed = clean = changed = 0
    for record in records:
        out = redact(record.text)
        if not record.sensitive:
            clean += 1
            changed += out != record.text
        for _, value in record.sensitive:
            sensitive += 1
            missed += value in out or "[REDACTED" not in out
    return 1 - missed / sensitive, changed / clean


def redact_us(redactor: Redactor, texts: list[str]) -> float:
    """Median µs of ``Redactor.redact`` per text (no logging around it)."""
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for text in texts:
            redactor.redact(text)
        samples.append((time.perf_counter() - started) / len(texts) * 1e6)
    return statistics.median(samples)


def rate(operation: Callable[[], int]) -> float:
    """Operations per second: the median of REPEATS timed runs."""
    operation()
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        count = operation()
        samples.append(count / (time.perf_counter() - started))
    return statistics.median(samples)


def main() -> None:
    records = corpus(RECORDS, seed=99)
    texts = [r.text for r in records]
    redactor = Redactor()
    timings = per_record_us(
        {
            "plain": _logger("bench-plain", None),
            "naive": _logger("bench-naive", NaiveFilter()),
            "seawall": _logger("bench-seawall", RedactingFilter(redactor)),
            "nothing": _logger("bench-nothing", NothingFilter()),
            "gate": _logger("bench-gate", GateOnlyFilter(redactor)),
        },
        texts,
    )
    plain, naive, seawall = timings["plain"], timings["naive"], timings["seawall"]
    nothing, gate = timings["nothing"], timings["gate"]
    naive_rate, naive_false = quality(records, naive_redact)
    seawall_rate, seawall_false = quality(records, redactor.redact)
    clean_texts = [r.text for r in records if not r.sensitive]
    dirty_texts = [r.text for r in records if r.sensitive]
    dirty_share = len(dirty_texts) / len(texts)
    clean_us = redact_us(redactor, clean_texts)
    dirty_us = redact_us(redactor, dirty_texts)

    with tempfile.TemporaryDirectory() as folder:
        ring = LocalKeyring.create(Path(folder) / "ring.json", "benchmark passphrase")
        ring.add_key("bench")
        tokenizer = Tokenizer.from_keyring(ring, "bench")
        values = [f"user{i:07d}@corp-mail.io" for i in range(200_000)]
        key = secrets.token_bytes(32)

        def bare_hmac() -> int:
            import hmac

            for value in values:
                hmac.digest(key, value.encode(), "sha256")
            return len(values)

        token_rate = rate(lambda: len(tokenizer.tokenize_many(values)))
        hmac_rate = rate(bare_hmac)
        email_rate = rate(lambda: len(tokenizer.tokenize_many(values[:50_000], "email")))

        cipher = EnvelopeCipher(ring, "bench", DataKeyStore(Path(folder) / "deks.db"))
        fields = [secrets.token_bytes(100) for _ in range(50_000)]
        raw = AESGCM(AESGCM.generate_key(bit_length=256))

        def envelope_fields() -> int:
            for row, field in enumerate(fields):
                cipher.encrypt(field, {"table": "users", "column": "ssn", "row": row})
            return len(fields)

        def raw_fields() -> int:
            for field in fields:
                raw.encrypt(os.urandom(12), field, None)
            return len(fields)

        field_rate = rate(envelope_fields)
        raw_field_rate = rate(raw_fields)
        payload = secrets.token_bytes(64 * 2**20)
        big_envelope = rate(
            lambda: len(cipher.encrypt_payload(payload, {"object": "b.tar"})) * 0 + 1
        )
        big_raw = rate(lambda: len(raw.encrypt(os.urandom(12), payload, None)) * 0 + 1)

    mib = 64
    body = f"""
Single core (Python {sys.version.split()[0]}, `cryptography` and Hyperscan as installed), one run.

### Logging with redaction: {RECORDS:,} records of the labelled corpus (30% with something to redact)

Stdlib logging, a formatter with time, level and name, a handler writing to /dev/null. Medians of {LOG_ROUNDS} rounds; each round times every filter once, so the VM's speed changes touch every row alike.

| filter | µs per record | × plain logging | redaction rate | clean records changed |
|---|---:|---:|---:|---:|
| none | {plain:.1f} | 1.00 | – | – |
| naive: 20 `re.sub` passes (the ANCHORS.md anchor) | {naive:.1f} | {naive / plain:.2f} | {naive_rate:.2%} | {naive_false:.2%} |
| Seawall `RedactingFilter` | {seawall:.1f} | {seawall / plain:.2f} | {seawall_rate:.2%} | {seawall_false:.2%} |
| floor: a filter that does nothing | {nothing:.1f} | {nothing / plain:.2f} | – | – |
| floor: format + Seawall's Hyperscan pass only, no redaction | {gate:.1f} | {gate / plain:.2f} | – | – |

Targets: ≤ 1.5× plain logging; redaction rate ≥ 99.5%; false redaction of clean lines ≤ 0.1%.

`Redactor.redact` alone: {clean_us:.1f} µs per record with nothing to redact, {dirty_us:.1f} µs per record with something to redact ({dirty_share:.0%} of the records).

### Tokenization and field encryption

| operation | Seawall | raw primitive | target |
|---|---:|---:|---:|
| deterministic tokens (`tokenize_many`, text) | {token_rate:,.0f} values/s | bare HMAC-SHA256 loop {hmac_rate:,.0f}/s | ≥ 300,000/s |
| email-shaped tokens (domain kept) | {email_rate:,.0f} values/s | – | – |
| field encryption, 100-byte values with context, data key cached | {field_rate:,.0f} values/s | raw AES-GCM {raw_field_rate:,.0f}/s | ≥ 150,000/s |
| {mib} MiB payload (`encrypt_payload`) | {big_envelope * mib:,.0f} MiB/s | raw AES-GCM {big_raw * mib:,.0f} MiB/s ({big_envelope / big_raw:.0%}) | within 20% of raw |

### Reading

- Redaction overhead: {"the 1.5× target is met" if seawall / plain <= 1.5 else "the 1.5× target is **not met**"}.
  A clean record costs one Hyperscan pass over the secret rule pack and the
  redaction hints (a few µs); a record with something to redact runs only the
  patterns Hyperscan named, but each of those is a Python-level regex search
  plus a validator (Luhn, mod-97, SSA rules, the secret rules' entropy,
  placeholder and checksum tests), 15–40 µs a record on this machine. The
  naive anchor is slower still and, on the same records, misses
  {1 - naive_rate:.1%} of the sensitive values while changing {naive_false:.0%} of the
  clean lines (timestamps, ids and durations look like phone numbers and
  cards to it). The two floor rows bound what this design can reach: a
  filter costs nothing by itself ({nothing / plain:.2f}×), but formatting the
  message and the single Hyperscan call through its Python binding already
  cost {gate / plain:.2f}× plain logging, before any redaction. The target
  leaves the filter {plain / 2:.1f} µs a record on average; the records with
  something to redact alone take {dirty_share * dirty_us:.1f} µs a record on average
  ({dirty_share:.0%} of records × {dirty_us:.1f} µs). With a scan
  per record the 1.5× target is out of reach in CPython on this machine;
  reaching it would take skipping the scan for most records (no safe
  criterion found: secrets need no digits, PII needs no keywords) or moving
  the per-record work out of Python. Exact spans from Hyperscan (start-of-match
  mode) would cut the redacting records' cost, not the floor.
- Field encryption is bounded by Python per-call overhead (a lock, a random
  nonce, the context encoding), not by AES; large payloads are sealed in place
  with `AESGCM.encrypt_into`, so they run at the primitive's speed.
- Tokens: `tokenize_many` adds the base64url encoding and the version prefix
  to the bare HMAC loop.
"""
    print(body)
    write_section("Protect: redaction, tokens, encryption (issue #8)", body)


if __name__ == "__main__":
    main()
