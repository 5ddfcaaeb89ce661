"""Options that reach collectors from the command line and config."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ScanOptions", "SecretsOptions"]


@dataclass(frozen=True)
class SecretsOptions:
    """How the secrets collector runs (from the command line and the [secrets] config)."""

    history: bool | None = None  # None: yes when the root is a Git repository's top
    since: str | None = None
    staged: bool = False
    cache_dir: str | None = None  # None: no result cache
    matcher_dir: str | None = None  # where the compiled matcher is kept (even without a cache)
    jobs: int = 1
    max_blob_size: int = 10 * 1024 * 1024
    allow_paths: tuple[str, ...] = ()
    allow_values: tuple[str, ...] = ()
    disable_rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanOptions:
    """Everything about how to collect, beyond the file tree itself."""

    secrets: SecretsOptions = field(default_factory=SecretsOptions)
    postgres: tuple[Any, ...] = ()  # PgTarget values; typed loosely to keep psycopg imports lazy
    tls: tuple[Any, ...] = ()  # TlsEndpoint values
    k8s_rendered: str | None = None  # a file of rendered manifests, or "-" for stdin
    pii_files: tuple[str, ...] = ()  # `seawall pii`: these files instead of non-prod tree files
    pii_sample: int | None = None
    # `seawall pii --table`: (DSN, schema.table, display name); the DSN never reaches a report.
    pii_tables: tuple[tuple[str, str, str], ...] = ()
    # `seawall pii --engine spark`: files, folders, globs or "table:NAME", read by Spark
    spark_sources: tuple[str, ...] = ()
    log_files: tuple[str, ...] = ()  # `seawall logs`: these files instead of the tree's logs
    log_globs: tuple[str, ...] = ()  # [logs] paths from the config, besides the tree's *.log
    rotation_logs: tuple[str, ...] = ()  # [keys] rotation-logs from the config
    max_rotation_age_days: int = 90
    # [logs] sensitive-groups / max-sensitive-retention-days, for CloudWatch log groups
    sensitive_log_groups: tuple[str, ...] = (
        "audit",
        "security",
        "access",
        "auth",
        "pii",
        "sensitive",
    )
    max_sensitive_log_days: int = 90
    terraform_plans: tuple[str, ...] = ()  # `terraform show -json` files from --terraform-plan
    terraform_var_files: tuple[str, ...] = ()  # --var-file: values for root modules
