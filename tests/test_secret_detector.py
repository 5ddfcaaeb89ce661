"""The secret detector on a labelled corpus: every true secret found, no look-alike flagged."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from secret_corpus import negatives, positives

from seawall._errors import CatalogError
from seawall.detectors._rules import load_rules, parse_rules
from seawall.detectors.secrets import SecretDetector, default_detector, secret_hash

BACKENDS = ["hyperscan", "keywords"]


@pytest.fixture(scope="module", params=BACKENDS)
def detector(request: pytest.FixtureRequest) -> SecretDetector:
    if request.param == "hyperscan":
        pytest.importorskip("hyperscan")
    return default_detector(backend=request.param)


def test_rule_pack_is_large_and_well_formed() -> None:
    rules = load_rules()
    assert len(rules) >= 200
    families = {tag for rule in rules for tag in rule.tags}
    for family in (
        "cloud",
        "vcs",
        "ci",
        "saas",
        "ai",
        "registry",
        "database",
        "private-key",
        "generic",
        "jwt",
    ):
        assert family in families


def test_rule_pack_rejects_unknown_keys_and_bad_validators() -> None:
    with pytest.raises(CatalogError, match="unknown key"):
        parse_rules(
            'rule = [{ id = "x", description = "d", regex = "a", keywords = ["a"], colour = 1 }]'
        )
    with pytest.raises(CatalogError, match="unknown validator"):
        parse_rules(
            'rule = [{ id = "x", description = "d", regex = "a", keywords = ["a"], validator = "nope" }]'
        )


@pytest.mark.parametrize("case", positives(), ids=lambda c: f"{c.family}-{c.rule}-{c.path}")
def test_true_secret_is_found(detector: SecretDetector, case) -> None:  # type: ignore[no-untyped-def]
    hits = detector.scan(case.text.encode(), case.path)
    wanted = secret_hash(case.secret)
    matching = [h for h in hits if h.secret_hash == wanted]
    assert matching, f"{case.rule} missed in {case.path}: got {[h.rule_id for h in hits]}"
    assert matching[0].rule_id == case.rule
    assert matching[0].length == len(case.secret)
    assert matching[0].preview == case.secret[:4] + "…"


@pytest.mark.parametrize("case", negatives(), ids=lambda c: c.why)
def test_look_alike_is_not_flagged(detector: SecretDetector, case) -> None:  # type: ignore[no-untyped-def]
    hits = detector.scan(case.text.encode(), case.path)
    assert hits == [], f"{case.why}: flagged {[h.rule_id for h in hits]}"


def test_backends_agree_on_the_whole_corpus() -> None:
    pytest.importorskip("hyperscan")
    fast, fallback = default_detector("hyperscan"), default_detector("keywords")
    for case in [*positives(3), *negatives(5)]:
        data = case.text.encode()
        assert fast.scan(data, case.path) == fallback.scan(data, case.path), case.path


def test_checksum_validator_marks_fake_github_tokens() -> None:
    detector = default_detector()
    valid = next(c for c in positives() if c.rule == "github-pat")
    broken = valid.secret[:-1] + ("A" if valid.secret[-1] != "A" else "B")
    verdicts = {
        h.verdict for h in detector.scan(f'T = "{valid.secret}"\nU = "{broken}"\n'.encode(), "a.py")
    }
    assert verdicts == {"valid", "checksum-mismatch"}


def test_line_numbers_and_multi_line_keys() -> None:
    key = next(c for c in positives() if c.path == "deploy/key.pem")
    text = "# header\n\n" + key.text
    [hit] = default_detector().scan(text.encode(), "deploy/key.pem")
    assert hit.line == 3 and hit.end_line == 3 + key.secret.count("\n")


def test_path_limited_rules_run_where_their_path_matches(detector: SecretDetector) -> None:
    # Hyperscan leaves path-limited rules out of its database; the path names them.
    entry = b"db.internal.example:5432:orders:app_rw:Vq8#nT2$wL6pR9zK\n"
    assert [h.rule_id for h in detector.scan(entry, "home/deploy/.pgpass")] == ["pgpass-entry"]
    assert [h.rule_id for h in detector.scan(entry, "docs/notes.txt")] == []
    encoded = b"PGPASS_B64=" + base64.b64encode(entry) + b"\n"
    [hit] = detector.scan(encoded, "home/deploy/.pgpass")
    assert hit.rule_id == "pgpass-entry" and hit.encoding == "base64"


def test_inline_ignore_is_carried_on_the_hit() -> None:
    token = next(c for c in positives() if c.rule == "stripe-secret-key").secret
    text = f'# seawall: ignore[stripe-secret-key] test-mode fixture for the billing tests\nKEY = "{token}"\n'
    [hit] = default_detector().scan(text.encode(), "billing/test_keys.py")
    assert (
        hit.ignore_ids == ("stripe-secret-key",)
        and hit.ignore_reason
        and "fixture" in hit.ignore_reason
    )


def test_invalid_utf8_and_binary_noise_do_not_break_detection() -> None:
    token = next(c for c in positives() if c.rule == "gitlab-pat").secret
    data = b"\xff\xfe garbage \x80\x81\n" + f"token: {token}\n".encode() + bytes(range(256))
    hits = default_detector().scan(data, "x.yaml")
    assert [h.rule_id for h in hits] == ["gitlab-pat"] and hits[0].line == 2


def test_huge_single_line_is_bounded() -> None:
    data = b"a" * 5_000_000 + b" password = 'Zx9#mQ2$vL7w' " + b"=" * 1000
    hits = default_detector().scan(data, "blob.txt")
    assert [h.rule_id for h in hits] == ["generic-credential"]


@pytest.mark.parametrize("encoding", ["base64", "hex", "percent"])
def test_encoded_secrets_are_decoded_and_found(detector: SecretDetector, encoding: str) -> None:
    import base64
    import urllib.parse

    token = next(c for c in positives() if c.rule == "gitlab-pat").secret
    payload = f'{{"token": "{token}", "user": "deploy"}}'.encode()
    encoded = {
        "base64": base64.b64encode(payload).decode(),
        "hex": payload.hex(),
        "percent": urllib.parse.quote(payload.decode(), safe=""),
    }[encoding]
    data = f"# settings\nblob: {encoded}\nnext: 1\n".encode()
    hits = detector.scan(data, "deploy/values.yaml")
    assert [(h.rule_id, h.encoding, h.line) for h in hits] == [("gitlab-pat", encoding, 2)]


def _reference_runs(pattern: bytes, data: bytes, decode: Callable[[bytes], bytes]) -> set[int]:
    """Offsets of maximal runs whose whole text decodes to ASCII: the plain definition."""
    import re

    found = set()
    for run in re.finditer(pattern, data):
        try:
            decoded = decode(run.group(1))
        except ValueError:  # binascii.Error included
            continue
        if decoded.isascii():
            found.add(run.start(1))
    return found


def test_ascii_run_finders_keep_exactly_the_runs_that_decode_to_ascii() -> None:
    import base64
    import binascii
    import random
    import string

    from seawall.detectors.secrets import _ENCODED_RUNS, _ascii_runs

    rng = random.Random(11)
    pieces: list[bytes] = []
    for _ in range(8000):
        raw = (
            rng.randbytes(rng.randint(20, 60))
            if rng.random() < 0.3
            else bytes(rng.choice(string.printable.encode()) for _ in range(rng.randint(20, 60)))
        )
        if rng.random() < 0.4:  # one non-ASCII byte anywhere in otherwise ASCII text
            at = rng.choice([rng.randrange(len(raw)), len(raw) - 1])  # the tail group too
            high = rng.choice([0x80, 0x83, 0xBF, 0xC0, 0xFE, rng.randint(0x80, 0xFF)])
            raw = raw[:at] + bytes([high]) + raw[at + 1 :]
        shape = rng.choice(["base64", "hex", "hex-upper", "digest", "word"])
        if shape == "base64":
            text = base64.b64encode(raw)
            text = text.rstrip(b"=") if rng.random() < 0.5 else text
        elif shape in ("hex", "hex-upper"):
            text = raw.hex().encode()
            text = text.upper() if shape == "hex-upper" else text
            text = text[:-1] if rng.random() < 0.1 else text  # odd length
        elif shape == "digest":
            text = rng.randbytes(20).hex().encode()
        else:
            text = bytes(
                rng.choice(b"ABCDEFabcdef0123456789+/_") for _ in range(rng.randint(30, 70))
            )
        pieces.append(text + rng.choice([b" ", b"\n", b'"', b"==", b"=", b"-", b"_", b".", b""]))
    data = b"".join(pieces)
    kinds = {kind.encoding: kind for kind in _ENCODED_RUNS}

    def b64(text: bytes) -> bytes:
        return base64.b64decode(text + b"=" * (-len(text) % 4))

    expected_b64 = _reference_runs(rb"([A-Za-z0-9+/]{32,})", data, b64)
    expected_hex = _reference_runs(rb"\b((?:[0-9a-fA-F]{2}){20,})\b", data, binascii.unhexlify)
    assert {start for start, _ in _ascii_runs(kinds["base64"], data)} == expected_b64
    assert {start for start, _ in _ascii_runs(kinds["hex"], data)} == expected_hex
    assert len(expected_b64) > 100 and len(expected_hex) > 50  # the test saw both kinds


def test_the_rule_pack_is_read_from_its_json_copy_and_a_bad_copy_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seawall.detectors import _rules

    monkeypatch.setenv("SEAWALL_CACHE_DIR", str(tmp_path))
    text = _rules._pack_text()
    expected = _rules.parse_rules(text)
    assert _rules.load_rules.__wrapped__() == expected  # parsed, and a copy kept
    [copy] = tmp_path.glob("secret-rules-*.json")
    assert _rules._parsed_copy() is not None
    assert _rules.load_rules.__wrapped__() == expected  # from the copy
    for bad in (b"{not json", b'{"rule": [["id"]]}', b'{"rule": 5}', b"[]"):
        copy.write_bytes(bad)
        assert _rules.load_rules.__wrapped__() == expected
    assert _rules._parsed_copy() == json.loads(json.dumps(_rules._toml(text)))
