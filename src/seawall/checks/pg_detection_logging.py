"""MI1-001: PostgreSQL logging too thin to detect anomalous access."""

from __future__ import annotations

from seawall._model import CheckMeta, EvidenceKind, Severity
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.checks._pg import judge_targets, violation
from seawall.collectors.postgres import PgSnapshot

META = CheckMeta(
    id="MI1-001",
    control="MI-1",
    severity=Severity.MEDIUM,
    title="Database logging cannot support detection",
    rationale=(
        "Alerting on anomalous SQL needs the evidence in the logs: who connected and left, which "
        "user and database each line belongs to, and pgaudit's role and DDL classes for privilege "
        "and schema changes."
    ),
    remediation="log_connections = on, log_disconnections = on, a log_line_prefix with %u and %d, and shared_preload_libraries = 'pgaudit' with pgaudit.log = 'role, ddl'.",
    needs=(EvidenceKind.POSTGRES,),
    verify_clause="Mean time to detect under 5 minutes.",
    references=("https://github.com/pgaudit/pgaudit",),
    example_fail=(("postgresql.conf", "log_connections = off\n"),),
    example_pass=(
        (
            "postgresql.conf",
            "log_connections = on\nlog_disconnections = on\nlog_line_prefix = '%m [%p] %u@%d '\n"
            "shared_preload_libraries = 'pgaudit'\npgaudit.log = 'role, ddl'\n",
        ),
    ),
)


def _judge(snapshot: PgSnapshot) -> list[Violation]:
    settings = snapshot.settings()
    missing = []
    if settings.get("log_connections") != "on":
        missing.append("log_connections off")
    if settings.get("log_disconnections") != "on":
        missing.append("log_disconnections off")
    prefix = settings.get("log_line_prefix", "")
    if "%u" not in prefix or "%d" not in prefix:
        missing.append("log_line_prefix lacks %u and %d")
    if "pgaudit" not in settings.get("shared_preload_libraries", ""):
        missing.append("pgaudit not loaded")
    else:
        classes = {c.strip().lower() for c in settings.get("pgaudit.log", "").split(",")}
        if not ({"role", "ddl"} <= classes or "all" in classes):
            missing.append("pgaudit.log lacks role and ddl")
    if not missing:
        return []
    return [
        violation(
            snapshot,
            "setting:logging",
            "detection logging incomplete: " + "; ".join(missing),
            "logging:" + ",".join(missing),
        )
    ]


def run(evidence: Evidence) -> CheckOutcome:
    """Connection logging, a useful prefix, and pgaudit classes."""
    return judge_targets(evidence, _judge)
