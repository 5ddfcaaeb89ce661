"""Redaction (MI-2 Enforce): the redactor, the logging filter, structlog, and `seawall logs`."""

from __future__ import annotations

import copy
import gzip
import io
import json
import logging
import random
from collections import Counter
from pathlib import Path

import pytest
import structlog
from conftest import run_cli
from log_corpus import card, corpus, email, iban, password, phone, ssn
from secret_corpus import github_token

from seawall.protect import RedactingFilter, Redactor, redact, redact_mapping, redact_processor


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


def test_labelled_corpus_redaction_rate_and_false_redactions(redactor: Redactor) -> None:
    records = corpus(12_000, seed=21)
    missed: Counter[tuple[str, str]] = Counter()
    sensitive = false = clean = 0
    for record in records:
        out = redactor.redact(record.text)
        if not record.sensitive:
            clean += 1
            false += out != record.text
        for kind, value in record.sensitive:
            sensitive += 1
            if value in out or "[REDACTED:" not in out:
                missed[(kind, record.format)] += 1
    assert sensitive > 3000 and clean > 7000
    rate = 1 - sum(missed.values()) / sensitive
    assert rate >= 0.995, missed.most_common(5)
    assert false / clean <= 0.001
    # every format and every kind is represented
    assert {r.format for r in records} == {"json", "kv", "text", "http", "sql", "trace"}


@pytest.mark.parametrize(
    ("text", "kept", "kind"),
    [
        ("Authorization: Bearer abcdef0123456789abcdef", "Bearer ", "authorization"),
        ("Cookie: sid=9f8e7d6c5b4a39281706; theme=dark", "Cookie: ", "cookie"),
        ("postgres://app:Sup3rS3cretPw@db.internal:5432/x", "postgres://app:", "password"),
        ("Server=tcp:x;User Id=u;Password=Abc123xyz987;", "Password=", "secret"),
        ("ALTER ROLE app WITH PASSWORD 'N0t-a-real-one-42'", "PASSWORD '", "password"),
        ("x-api-key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "x-api-key: ", "secret"),
        ("card 4539 1488 0343 6467 declined", "card ", "card"),
        ("ssn=536-90-4399", "ssn=", "ssn"),
        ("iban DE89 3704 0044 0532 0130 00 ok", "iban ", "iban"),
        ("call +44 20 7946 0958 now", "call ", "phone"),
        ("to jane.roe@corp-mail.io", "to ", "email"),
    ],
)
def test_shapes_are_replaced_by_typed_markers(
    redactor: Redactor, text: str, kept: str, kind: str
) -> None:
    out = redactor.redact(text)
    assert f"{kept}[REDACTED:{kind}]" in out


@pytest.mark.parametrize(
    "text",
    [
        "request 550e8400-e29b-41d4-a716-446655440000 took 35 ms at 2026-11-27 14:45:40",
        "deployed 2.14.3 commit 3f9a0c1b2d4e5f60718293a4b5c6d7e8f9a0b1c2",
        "token_count=512 password_reset=false retries=3",
        "client 10.1.2.3 port 54321 bytes 1234567890",
        "postgres://app@db.internal:5432/orders",
        "git@github.com:acme/platform.git",
        "order 1234567890123 shipped; epoch 1764254740123",
    ],
)
def test_clean_look_alikes_are_untouched(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_secret_rules_and_non_ascii_offsets(redactor: Redactor) -> None:
    rng = random.Random(3)
    token = github_token(rng)
    text = f"Überprüfung fehlgeschlagen für Schlüssel {token} — erneut"
    out = redactor.redact(text)
    assert token not in out
    assert out.startswith("Überprüfung fehlgeschlagen für Schlüssel [REDACTED:")
    assert out.endswith("] — erneut")


def test_keyed_hash_tags_correlate_without_revealing() -> None:
    tagged = Redactor(hash_key=b"k1" * 16)
    other = Redactor(hash_key=b"k2" * 16)
    a = tagged.redact("from jane.roe@corp-mail.io")
    b = tagged.redact("to jane.roe@corp-mail.io again")
    c = tagged.redact("to li.chen@corp-mail.io")
    tag = a.split("[REDACTED:email:")[1][:12]
    assert f"[REDACTED:email:{tag}]" in b
    assert tag not in c
    assert tag not in other.redact("from jane.roe@corp-mail.io")


def test_redact_mapping_copies_and_never_mutates() -> None:
    rng = random.Random(5)
    event = {
        "user": {"email": email(rng), "name": "x", "password": "hunter2-but-longer"},
        "headers": [("Authorization", "Bearer abcdef0123456789abcdef")],
        "card_number": card(rng),
        "api_key": 12345678,
        "token_count": 5,
        "note": f"ssn {ssn(rng)}",
        "empty_password": "",
        "nested": {"db_password": {"anything": "inside"}},
    }
    original = copy.deepcopy(event)
    out = redact_mapping(event)
    assert event == original  # untouched
    assert out["user"]["password"] == "[REDACTED:secret]"
    assert out["user"]["email"] == "[REDACTED:email]"
    assert out["user"]["name"] == "x"
    assert out["card_number"] == "[REDACTED:card]"
    assert out["api_key"] == "[REDACTED:secret]"
    assert out["token_count"] == 5
    assert out["note"] == "ssn [REDACTED:ssn]"
    assert out["empty_password"] == ""
    assert out["nested"]["db_password"] == "[REDACTED:secret]"
    assert "abcdef0123456789abcdef" not in json.dumps(out)
    assert isinstance(out["headers"][0], tuple)


def test_redact_mapping_survives_cycles() -> None:
    loop: dict[str, object] = {"password": "x-very-secret-1", "self": None}
    loop["self"] = loop
    out = redact_mapping(loop)
    assert out["password"] == "[REDACTED:secret]" and out["self"] == "[REDACTED:cycle]"


def _logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s %(user)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_logging_filter_redacts_message_args_extra_and_exception() -> None:
    rng = random.Random(9)
    secret_password = password(rng)
    mail = email(rng)
    number = card(rng)
    logger, stream = _logger("seawall-test-filter")
    extra_user = {"email": mail, "id": 7}
    args_dict = {"password": secret_password}
    logger.info("login for %s with %s", mail, args_dict, extra={"user": extra_user})

    def charge(pan: str) -> None:
        raise ValueError(f"gateway rejected {pan}")

    try:
        charge(number)
    except ValueError:
        logger.exception("charge failed for %s", iban(rng), extra={"user": "u-1"})
    output = stream.getvalue()
    for value in (secret_password, mail, number):
        assert value not in output
    assert "[REDACTED:email]" in output and "[REDACTED:card]" in output
    assert "Traceback" in output and "ValueError: gateway rejected [REDACTED:card]" in output
    # the caller's objects are untouched
    assert extra_user == {"email": mail, "id": 7}
    assert args_dict == {"password": secret_password}


def test_logging_filter_keeps_unformattable_records_redacted() -> None:
    logger, stream = _logger("seawall-test-broken")
    logger.warning("two args %s %s", "jane.roe@corp-mail.io", extra={"user": "u"})
    output = stream.getvalue()
    assert "unformattable arguments" in output and "jane.roe@corp-mail.io" not in output


def test_structlog_chain() -> None:
    stream = io.StringIO()
    structlog.configure(
        processors=[redact_processor, structlog.processors.JSONRenderer()],
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    try:
        log = structlog.get_logger()
        log.info("signup", email="li.chen@corp-mail.io", password="pw-9f8e7d6c5b", plan="pro")
    finally:
        structlog.reset_defaults()
    event = json.loads(stream.getvalue())
    assert event == {
        "event": "signup",
        "email": "[REDACTED:email]",
        "password": "[REDACTED:secret]",
        "plan": "pro",
    }


def test_module_level_redact() -> None:
    assert redact("mail jane.roe@corp-mail.io") == "mail [REDACTED:email]"


def _write_log(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_logs_command_fails_on_secrets_and_low_redaction_rate(tmp_path: Path) -> None:
    rng = random.Random(11)
    token = github_token(rng)
    mail = email(rng)
    lines = [f"INFO sent to [REDACTED:email] #{i}" for i in range(50)]
    lines += [f"DEBUG using {token}", f"INFO receipt to {mail}"]
    _write_log(tmp_path / "app.log", lines)
    result = run_cli("logs", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    checks = {f["check"] for f in report["findings"]}
    assert checks == {"MI2-001", "MI2-002"}  # a token; 50 of 51 PII redacted is 98.0%
    assert token not in result.stdout and mail not in result.stdout

    lines += [f"INFO sent to [REDACTED:email] #{i}" for i in range(60)]
    lines.remove(f"DEBUG using {token}")
    _write_log(tmp_path / "app.log", lines)
    result = run_cli("logs", str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["findings"] == []  # 110 of 111 redacted: 99.1%


def test_logs_command_rate_below_threshold(tmp_path: Path) -> None:
    rng = random.Random(12)
    lines = [f"INFO to [REDACTED:email] n={i}" for i in range(10)]
    lines += [f"INFO to {email(rng)} phone {phone(rng)}" for _ in range(3)]
    _write_log(tmp_path / "api.log", lines)
    report = json.loads(run_cli("logs", str(tmp_path / "api.log"), "--format", "json").stdout)
    (finding,) = report["findings"]
    assert finding["check"] == "MI2-002" and finding["path"].endswith("api.log")
    assert "below 99%" in finding["message"]


def test_logs_command_reads_gzip_and_reports_unreadable(tmp_path: Path) -> None:
    rng = random.Random(13)
    with gzip.open(tmp_path / "app.log.1.gz", "wt") as handle:
        handle.write(f"DEBUG password={password(rng)}\n")
    (tmp_path / "broken.log.2.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    result = run_cli("logs", str(tmp_path), "--format", "json")
    report = json.loads(result.stdout)
    assert [f["path"].endswith("app.log.1.gz") for f in report["findings"]] == [True]
    assert any("broken.log.2.gz" in (e.get("path") or "") for e in report["errors"])
    assert result.exit_code == 1


def test_logs_command_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("logs", str(tmp_path / "nope.log"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_filter_is_thread_safe(redactor: Redactor) -> None:
    import threading

    rng = random.Random(17)
    records = [(email(rng), card(rng)) for _ in range(400)]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(redactor))
    logger = logging.getLogger("seawall-test-threads")
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)

    def worker(part: list[tuple[str, str]]) -> None:
        for mail, number in part:
            logger.info("to %s card %s", mail, number)

    threads = [threading.Thread(target=worker, args=(records[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 400
    assert all(line == "to [REDACTED:email] card [REDACTED:card]" for line in lines)


@pytest.mark.parametrize(
    "line",
    [
        # A long run of scheme characters before "://" (the url-password pattern).
        "see " + "a" * 200_000 + "://u:p@h",
        # A long run of spaces after an authorization value (its end-of-value lookahead).
        "authorization: basic " + "x " + " " * 200_000 + "y",
    ],
    ids=["scheme-run", "space-run"],
)
def test_long_adversarial_lines_do_not_stall_redaction(line: str) -> None:
    """Python's regex engine backtracks: a pattern quadratic in a run's length would
    stall an application's logging for minutes on one such line. The guard is a
    generous timeout in a child process, not a timing: linear patterns take well
    under a second here, the quadratic ones took over five minutes."""
    import subprocess
    import sys

    code = (
        "import sys; from seawall.protect import redact; "
        "sys.stdout.write(str(len(redact(sys.stdin.read()))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=line, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and int(done.stdout) > 0
