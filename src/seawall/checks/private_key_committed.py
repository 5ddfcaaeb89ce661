"""SI1-002: a committed private key or keystore file."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors.keyfiles import KeyFile, KeyMaterial

META = CheckMeta(
    id="SI1-002",
    control="SI-1",
    severity=Severity.CRITICAL,
    title="Committed private key or keystore",
    rationale=(
        "A private key in a repository is readable by everyone with a clone, forever: Git "
        "history keeps it after the file is deleted. Keystores (.p12, .pfx, .jks) carry private "
        "keys behind passwords that are usually weak or committed too."
    ),
    remediation=(
        "Remove the file, purge it from history (git filter-repo), revoke and reissue the key, "
        "and keep keys in a secrets manager or KMS. Add the pattern to .gitignore."
    ),
    needs=(EvidenceKind.FILE_TREE, EvidenceKind.KEY_FILES),
    verify_clause="No secrets anywhere in Git history.",
    references=(
        "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository",
    ),
    example_fail=(
        (
            "deploy/tls/server.key",
            (
                "-----BEGIN EC PRIVATE KEY-----\n"
                "MHcCAQEEIExampleExampleExampleExampleExampleExampleoAoGCCqGSM49\n"
                "-----END EC PRIVATE KEY-----\n"
            ),
        ),
    ),
    example_pass=(
        (
            "deploy/tls/server.pem",
            "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUExample\n-----END CERTIFICATE-----\n",
        ),
    ),
)

_SEVERITY = {
    KeyMaterial.PRIVATE_KEY: Severity.CRITICAL,
    KeyMaterial.ENCRYPTED_PRIVATE_KEY: Severity.HIGH,
    KeyMaterial.KEYSTORE: Severity.HIGH,
}


def run(evidence: Evidence) -> CheckOutcome:
    """One violation per key file; encrypted keys and keystores rank high, clear keys critical."""
    violations = []
    key_file: KeyFile
    for key_file in evidence[EvidenceKind.KEY_FILES]:
        what = {
            KeyMaterial.PRIVATE_KEY: f"an unencrypted {key_file.block}",
            KeyMaterial.ENCRYPTED_PRIVATE_KEY: f"an encrypted {key_file.block}",
            KeyMaterial.KEYSTORE: f"a {key_file.block}",
        }[key_file.material]
        violations.append(
            Violation(
                message=f"{key_file.path} holds {what} committed to the repository",
                key=f"{key_file.material.value}:{key_file.block}",
                path=key_file.path,
                line=key_file.line,
                severity=_SEVERITY[key_file.material],
            )
        )
    return CheckOutcome(tuple(violations), evidenced=True)
