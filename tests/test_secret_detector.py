"""The secret detector on a labelled corpus: every true secret found, no look-alike flagged."""

from __future__ import annotations

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
