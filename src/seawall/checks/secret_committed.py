"""SI1-004: a secret in the working tree or anywhere in the Git history."""

from __future__ import annotations

from collections import defaultdict

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.secrets import SecretOccurrence, SecretsEvidence
from seawall.detectors._rules import load_rules
from seawall.detectors.secrets import severity_for

META = CheckMeta(
    id="SI1-004",
    control="SI-1",
    severity=Severity.HIGH,
    title="Secret committed to the repository",
    rationale=(
        "A credential in a repository is readable by everyone with a clone, and Git keeps it "
        "in history after the line is deleted: the baseline's Verify clause is no secrets "
        "anywhere in Git history. Seawall scans every unique blob of every ref (branches, "
        "tags, stashes, notes) and the working tree with a 280-rule pack, validators and "
        "bounded decoding of base64, hex and percent-encoded text."
    ),
    remediation=(
        "Revoke and rotate the credential first (it must be treated as leaked), then remove it "
        "from the code and load it from a secrets manager; purge it from history with git "
        "filter-repo if the repository is shared. Mark a known test value with a "
        "`seawall: allow` comment or add it to [secrets] allow-values."
    ),
    needs=(EvidenceKind.SECRETS,),
    verify_clause="No secrets anywhere in Git history.",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository",
    ),
    example_fail=(
        (
            "deploy/settings.py",
            'STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dcXq1"\n',
        ),
    ),
    example_pass=(("deploy/settings.py", 'STRIPE_KEY = os.environ["STRIPE_KEY"]\n'),),
)

_NAMES = frozenset({META.id, META.control})


def _where(occurrences: list[SecretOccurrence]) -> str:
    if any(o.source in ("working-tree", "staged") for o in occurrences):
        return (
            "present in the working tree"
            if occurrences[0].source != "staged"
            else "staged for commit"
        )
    if any(o.present_at_head for o in occurrences):
        return "present at HEAD"
    return "not at HEAD but still reachable in history"


def run(evidence: Evidence) -> CheckOutcome:
    """One violation per unique secret per path, attributed to its first commit."""
    secrets: SecretsEvidence = evidence[EvidenceKind.SECRETS]
    rules = {rule.id: rule for rule in load_rules()}
    groups: dict[tuple[str, str], list[SecretOccurrence]] = defaultdict(list)
    for occurrence in secrets.occurrences:
        groups[(occurrence.path, occurrence.hit.secret_hash)].append(occurrence)
    violations = []
    for (path, secret), group in sorted(groups.items()):
        best = max(
            group,
            key=lambda o: (not rules[o.hit.rule_id].is_generic, rules[o.hit.rule_id].severity.rank),
        )
        rule = rules[best.hit.rule_id]
        dated = sorted((o for o in group if o.commit), key=lambda o: o.date or "")
        first = dated[0] if dated else None
        # The current copy (working tree, then HEAD) gives the line a user can open;
        # a secret gone from HEAD, the line in the commit that introduced it.
        current = sorted(
            group,
            key=lambda o: (o.source != "working-tree", o.source != "staged", not o.present_at_head),
        )[0]
        if current.source == "history" and not current.present_at_head and first is not None:
            current = first
        hit = best.hit
        parts = [f"{rule.description} ({hit.preview}, {hit.length} chars)"]
        if hit.encoding:
            parts.append(f"{hit.encoding}-encoded")
        if hit.verdict == "checksum-mismatch":
            parts.append("checksum does not match: likely a test or fake token")
        if first is not None and first.commit:
            day = (first.date or "")[:10]
            parts.append(f"introduced in {first.commit[:12]} by {first.author} on {day}")
        parts.append(_where(group))
        ignore = next((o.hit for o in group if set(o.hit.ignore_ids) & (_NAMES | {rule.id})), None)
        violations.append(
            Violation(
                message="; ".join(parts),
                key=secret,
                path=path,
                line=current.hit.line,
                end_line=current.hit.end_line,
                commit=first.commit if first else None,
                severity=severity_for(rule, hit.verdict),
                details=(
                    ("rule", rule.id),
                    ("preview", hit.preview),
                    ("length", hit.length),
                    ("validation", hit.verdict),
                    ("encoding", hit.encoding),
                    ("commit", first.commit if first else None),
                    ("author", first.author if first else None),
                    ("date", first.date if first else None),
                    (
                        "present_at_head",
                        any(o.present_at_head for o in group) if secrets.history_scanned else None,
                    ),
                    ("sources", sorted({o.source for o in group})),
                ),
                inline_ignore=(ignore.ignore_ids, ignore.ignore_reason) if ignore else None,
            )
        )
    return CheckOutcome(tuple(violations), evidenced=True)
