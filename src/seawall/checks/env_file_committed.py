"""SI1-001: a committed dotenv file, or an example env file holding real-looking values."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.envfiles import EnvFile
from seawall.detectors._values import is_placeholder, is_sensitive_name, looks_like_credential

META = CheckMeta(
    id="SI1-001",
    control="SI-1",
    severity=Severity.HIGH,
    title="Committed .env file",
    rationale=(
        "The baseline bans .env files from repositories: they hold live credentials, and once "
        "committed a secret stays in Git history for anyone with a clone. Example files "
        "(.env.example, .env.sample, .env.template) are allowed only with placeholder values."
    ),
    remediation=(
        "Remove the file from the repository (git rm --cached), add it to .gitignore, rotate "
        "every credential it held, and load secrets from a secrets manager at runtime. In "
        "example files use placeholders such as <db-password> or ${DB_PASSWORD}."
    ),
    needs=(EvidenceKind.FILE_TREE, EvidenceKind.ENV_FILES),
    verify_clause="No secrets anywhere in Git history.",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    ),
    example_fail=(
        (
            ".env",
            "DATABASE_URL=postgres://etl:Tr0ub4dor-prod@db.internal:5432/warehouse\n",
        ),
    ),
    example_pass=(
        (
            ".env.example",
            "DATABASE_URL=postgres://etl:<password>@db.internal:5432/warehouse\nLOG_LEVEL=info\n",
        ),
    ),
)


def _holds_real_secret(key: str, value: str) -> bool:
    if is_placeholder(value):
        return False
    if "://" in value:  # a URL is judged by its password part alone
        return looks_like_credential(value)
    return is_sensitive_name(key) or looks_like_credential(value)


def _example_violations(env_file: EnvFile) -> list[Violation]:
    violations = []
    for entry in env_file.entries:
        if _holds_real_secret(entry.key, entry.value):
            violations.append(
                Violation(
                    message=(
                        f"Example env file sets {entry.key} to a real-looking value "
                        f"({len(entry.value)} characters); use a placeholder"
                    ),
                    key=f"example-value:{entry.key}",
                    path=env_file.path,
                    line=entry.line,
                )
            )
    return violations


def run(evidence: Evidence) -> CheckOutcome:
    """Flag every committed non-example env file and every real value in example files."""
    violations: list[Violation] = []
    env_file: EnvFile
    for env_file in evidence[EvidenceKind.ENV_FILES]:
        if env_file.is_example:
            violations.extend(_example_violations(env_file))
            continue
        sensitive = sum(
            1 for e in env_file.entries if is_sensitive_name(e.key) and not is_placeholder(e.value)
        )
        detail = f"{len(env_file.entries)} variables"
        if sensitive:
            detail += f", {sensitive} with credential-like names"
        violations.append(
            Violation(
                message=(
                    f"Committed env file {env_file.path} ({detail}); .env "
                    f"files are banned from repositories"
                ),
                key="env-file",
                path=env_file.path,
                line=1,
            )
        )
    return CheckOutcome(tuple(violations), evidenced=True)
