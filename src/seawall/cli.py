"""The ``seawall`` command line.

Imports are deferred into each command so ``seawall --help`` starts fast.
Exit codes: 0 clean, 1 findings at or above ``--fail-on`` (or an input that
could not be checked), 2 usage or configuration error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from seawall import __version__
from seawall._cli_common import EXIT_CLEAN, EXIT_FINDINGS, _fail, _guarded

if TYPE_CHECKING:
    from seawall._engine import ProgressCallback
    from seawall._model import Report

__all__ = ["main"]

_FORMATS = ("text", "json", "sarif", "junit", "markdown")
_SEVERITIES = ("critical", "high", "medium", "low", "info")


def _split_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), transient=True, console=Console(stderr=True)
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(f"seawall: {phase}", total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="seawall")
def main() -> None:
    """Verify and enforce the data-platform security baseline (controls SI-1 ... CP-2)."""


def _report_options(fail_on: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--format, --output, --fail-on and --quiet, as every reporting command has them."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(
            (
                click.option(
                    "--format",
                    "fmt",
                    type=click.Choice(_FORMATS),
                    default="text",
                    show_default=True,
                ),
                click.option(
                    "-o",
                    "--output",
                    type=click.Path(dir_okay=False, writable=True),
                    help="Write the report to FILE.",
                ),
                click.option(
                    "--fail-on",
                    type=click.Choice(_SEVERITIES),
                    default=fail_on,
                    show_default=True,
                ),
                click.option(
                    "-q", "--quiet", is_flag=True, help="Only the findings and the summary line."
                ),
            )
        ):
            command = option(command)
        return command

    return decorate


@main.command()
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to FILE.",
)
@click.option(
    "--fail-on",
    type=click.Choice(_SEVERITIES),
    default=None,
    help="Lowest severity that exits 1 [default: high, or the config's fail-on].",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Config file (default: PATH/seawall.toml or PATH/pyproject.toml).",
)
@click.option(
    "--select", multiple=True, help="Only these check or control ids (repeat or comma-separate)."
)
@click.option("--ignore", multiple=True, help="Skip these check or control ids.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="Report only findings not in this baseline file.",
)
@click.option(
    "--fail-on-error/--no-fail-on-error",
    default=True,
    show_default=True,
    help="Exit 1 when an input could not be checked.",
)
@click.option(
    "--history/--no-history",
    default=None,
    help="Scan every blob of the Git history for secrets [default: yes at a repository's top].",
)
@click.option("--since", metavar="REV", help="Limit the history scan to commits after REV.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the local result cache.")
@click.option(
    "--k8s-rendered",
    metavar="FILE|-",
    help="Also read rendered Helm/Kustomize manifests from FILE or standard input.",
)
@click.option(
    "--terraform-plan",
    "terraform_plans",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE",
    help="Also check a Terraform plan in JSON form (terraform show -json PLAN > FILE).",
)
@click.option(
    "--var-file",
    "terraform_var_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE",
    help="Terraform variable values for root modules, as terraform -var-file (HCL or JSON).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress bar; text output shows only findings and the summary line.",
)
@_guarded
def scan(
    path: str,
    fmt: str,
    output: str | None,
    fail_on: str | None,
    config_file: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline_file: str | None,
    fail_on_error: bool,
    history: bool | None,
    since: str | None,
    no_cache: bool,
    k8s_rendered: str | None,
    terraform_plans: tuple[str, ...],
    terraform_var_files: tuple[str, ...],
    quiet: bool,
) -> None:
    """Scan a platform repository at PATH and report every control's status."""
    from seawall._baseline import load_baseline
    from seawall._config import load_config
    from seawall._engine import run_scan
    from seawall._errors import ConfigError
    from seawall._model import Severity

    if not os.path.exists(path):
        raise ConfigError(f"path does not exist: {path}")
    config = load_config(path, config_file)
    baseline = load_baseline(baseline_file) if baseline_file else frozenset()
    show_progress = not quiet and sys.stderr.isatty()
    with _progress(show_progress) as progress:
        report = run_scan(
            path,
            config,
            select=_split_ids(select),
            ignore=_split_ids(ignore),
            baseline=baseline,
            progress=progress,
            history=history,
            since=since,
            use_cache=not no_cache,
            k8s_rendered=k8s_rendered,
            terraform_plans=terraform_plans,
            terraform_var_files=terraform_var_files,
        )
    _emit(report, fmt, output, quiet)
    threshold = Severity(fail_on) if fail_on else config.fail_on
    _exit(report, threshold, fail_on_error)


def _exit(report: Report, threshold: Any, fail_on_error: bool) -> None:
    worst = report.worst_severity()
    failed = worst is not None and worst.at_least(threshold)
    sys.exit(EXIT_FINDINGS if failed or (fail_on_error and report.errors) else EXIT_CLEAN)


@main.command()
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("--history", is_flag=True, help="Also scan every unique blob reachable from any ref.")
@click.option(
    "--staged", is_flag=True, help="Scan only what the index adds (for a pre-commit hook)."
)
@click.option("--since", metavar="REV", help="With --history: only commits not reachable from REV.")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to FILE.",
)
@click.option(
    "--fail-on",
    type=click.Choice(_SEVERITIES),
    default="low",
    show_default=True,
    help="Lowest severity that exits 1.",
)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config file.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="Report only secrets not in this baseline file.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the local result cache.")
@click.option("-q", "--quiet", is_flag=True, help="Only the findings and the summary line.")
@_guarded
def secrets(
    path: str,
    history: bool,
    staged: bool,
    since: str | None,
    fmt: str,
    output: str | None,
    fail_on: str,
    config_file: str | None,
    baseline_file: str | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Find secrets in the working tree, the Git history (--history) or the index (--staged).

    Values are never shown: a finding names the rule, file, line, introducing
    commit and a redacted preview (first 4 characters and the length).
    """
    import dataclasses

    from seawall._baseline import load_baseline
    from seawall._config import load_config
    from seawall._engine import run_scan
    from seawall._errors import ConfigError
    from seawall._model import Severity

    if not os.path.exists(path):
        raise ConfigError(f"path does not exist: {path}")
    if since and not history:
        raise ConfigError("--since needs --history")
    config = load_config(path, config_file)
    baseline = load_baseline(baseline_file) if baseline_file else frozenset()
    report = run_scan(
        path,
        config,
        select=("SI1-004",),
        baseline=baseline,
        history=history,
        since=since,
        staged=staged,
        use_cache=not no_cache,
    )
    report = dataclasses.replace(
        report, controls=tuple(c for c in report.controls if c.control_id == "SI-1")
    )
    _emit(report, fmt, output, quiet)
    _exit(report, Severity(fail_on), True)


def _emit(report: Report, fmt: str, output: str | None, quiet: bool) -> None:
    from seawall.reporters import render

    if output is not None:
        text = render(report, fmt, quiet=quiet) if fmt == "text" else render(report, fmt)
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror}")
        return
    interactive = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    if interactive:
        import shutil

        width = shutil.get_terminal_size((110, 24)).columns
        click.echo(render(report, fmt, color=True, width=width, quiet=quiet), nl=False)
    elif fmt == "text":
        click.echo(render(report, fmt, quiet=quiet), nl=False)
    else:
        click.echo(render(report, fmt), nl=False)


@main.command()
@click.option(
    "--dsn-env",
    required=True,
    metavar="VAR",
    help="Environment variable holding the DSN (never pass credentials as arguments).",
)
@click.option("--name", help="Name for the target in the report [default: VAR].")
@click.option(
    "--tenant-column",
    "tenant_columns",
    multiple=True,
    help="Tenant column names [default: tenant_id, org_id, account_id, customer_id, workspace_id].",
)
@click.option(
    "--admin-role",
    "admin_roles",
    multiple=True,
    help="Roles allowed to be admin (besides the bootstrap superuser).",
)
@_report_options(fail_on="high")
@_guarded
def db(
    dsn_env: str,
    name: str | None,
    tenant_columns: tuple[str, ...],
    admin_roles: tuple[str, ...],
    fmt: str,
    output: str | None,
    fail_on: str,
    quiet: bool,
) -> None:
    """Audit one PostgreSQL database, read-only: RLS, roles, admin share, TLS, pg_hba, logging."""
    import dataclasses
    import tempfile

    from seawall._config import Config, PgTargetConfig
    from seawall._engine import run_scan
    from seawall._model import EvidenceKind, Severity
    from seawall.checks import REGISTRY, load_check

    live = tuple(c for c in sorted(REGISTRY) if EvidenceKind.POSTGRES in load_check(c).meta.needs)
    target = PgTargetConfig(
        name=name or dsn_env,
        dsn_env=dsn_env,
        environment=None,
        tenant_columns=tenant_columns or None,
        admin_roles=admin_roles,
        max_elevation_minutes=240,
    )
    config = Config(select=live, postgres=(target,))
    with tempfile.TemporaryDirectory() as empty:  # no files to walk: only the live target
        report = run_scan(empty, config, use_cache=False)
    controls = {load_check(c).meta.control for c in live}
    report = dataclasses.replace(
        report,
        root=f"postgres:{target.name}",
        controls=tuple(c for c in report.controls if c.control_id in controls),
    )
    _emit(report, fmt, output, quiet)
    _exit(report, Severity(fail_on), True)


@main.command()
@click.argument("targets", nargs=-1, required=True, metavar="HOST[:PORT]...")
@click.option(
    "--ca-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Trust these CAs instead of the system store.",
)
@click.option("--server-name", help="The name to send (SNI) and to match the certificate against.")
@click.option(
    "--protocol",
    type=click.Choice(("https", "tls", "postgres", "smtp")),
    default="https",
    show_default=True,
)
@click.option("--edge", is_flag=True, help="Public edges: require A+ instead of A.")
@_report_options(fail_on="medium")
@_guarded
def tls(
    targets: tuple[str, ...],
    ca_file: str | None,
    server_name: str | None,
    protocol: str,
    edge: bool,
    fmt: str,
    output: str | None,
    fail_on: str,
    quiet: bool,
) -> None:
    """Probe TLS endpoints and grade them like SSL Labs (internal services included)."""
    import dataclasses
    import tempfile

    from seawall._config import Config, TlsTargetConfig
    from seawall._engine import run_scan
    from seawall._errors import ConfigError
    from seawall._model import Severity

    endpoints = []
    for target in targets:
        host, _, port_text = target.rpartition(":") if target.count(":") == 1 else (target, "", "")
        if not port_text.isdigit() and port_text:
            raise ConfigError(f"invalid port in {target!r}")
        endpoints.append(
            TlsTargetConfig(
                host=host or target,
                port=int(port_text) if port_text else None,
                server_name=server_name,
                protocol=protocol,
                edge=edge,
                ca_file=ca_file,
                min_grade=None,
            )
        )
    config = Config(select=("ED1-002", "ED1-003"), tls=tuple(endpoints))
    with tempfile.TemporaryDirectory() as empty:
        report = run_scan(empty, config, use_cache=False)
    report = dataclasses.replace(
        report, root="tls", controls=tuple(c for c in report.controls if c.control_id == "ED-1")
    )
    _emit(report, fmt, output, quiet)
    _exit(report, Severity(fail_on), True)


@main.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    help="Scan a sample of about N records per file (systematic) or table (TABLESAMPLE).",
)
@click.option(
    "--dsn-env",
    metavar="VAR",
    help="Environment variable holding a PostgreSQL DSN, for --table and --schema.",
)
@click.option("--table", "tables", multiple=True, metavar="SCHEMA.TABLE", help="A table to scan.")
@click.option(
    "--schema", "schemas", multiple=True, metavar="NAME", help="Scan every table of a schema."
)
@click.option(
    "--engine",
    type=click.Choice(["arrow", "spark"]),
    default="arrow",
    show_default=True,
    help="spark: Spark reads PATHs (files, folders, globs) and --spark-table; executors scan.",
)
@click.option(
    "--spark-table",
    "spark_tables",
    multiple=True,
    metavar="NAME",
    help="A Spark catalog table to scan (with --engine spark).",
)
@_report_options(fail_on="high")
@_guarded
def pii(
    paths: tuple[str, ...],
    sample: int | None,
    dsn_env: str | None,
    tables: tuple[str, ...],
    schemas: tuple[str, ...],
    engine: str,
    spark_tables: tuple[str, ...],
    fmt: str,
    output: str | None,
    fail_on: str,
    quiet: bool,
) -> None:
    """Find unmasked PII in data files (files, folders, globs) and PostgreSQL tables.

    Reads CSV, TSV, JSON lines, JSON arrays of objects and Parquet (nested
    fields by path); tables are read read-only through a server-side cursor.
    With --engine spark, Spark reads the paths and --spark-table tables and
    its executors run the scan.
    """
    import dataclasses
    import tempfile

    from seawall._config import Config
    from seawall._engine import run_scan
    from seawall._errors import ConfigError
    from seawall._model import Severity

    if not paths and not tables and not schemas and not spark_tables:
        raise ConfigError("name data files, or --table/--schema with --dsn-env")
    if spark_tables and engine != "spark":
        raise ConfigError("--spark-table needs --engine spark")
    spark_sources: tuple[str, ...] = ()
    if engine == "spark":
        # Spark reads paths itself (folders as datasets, globs, remote URIs): not expanded here.
        spark_sources = (*paths, *(f"table:{name}" for name in spark_tables))
        paths = ()
    targets: list[tuple[str, str, str]] = []
    if tables or schemas:
        if not dsn_env:
            raise ConfigError("--table and --schema need --dsn-env VAR")
        dsn = os.environ.get(dsn_env, "")
        if not dsn:
            raise ConfigError(f"environment variable {dsn_env} is not set")
        from seawall.collectors.data_pii import schema_tables

        names = list(tables)
        for schema in schemas:
            try:
                names.extend(schema_tables(dsn, schema))
            except Exception as exc:  # psycopg's errors: a one-line reason, never the DSN
                reason = getattr(getattr(exc, "diag", None), "message_primary", None)
                raise ConfigError(
                    f"cannot list the tables of schema {schema}: {reason or type(exc).__name__}"
                ) from None
        targets = [(dsn, name, f"postgres:{dsn_env}/{name}") for name in names]
    suffixes = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet")
    files = _expand_paths(paths, lambda name: name.lower().endswith(suffixes)) if paths else []
    config = Config(select=("ED2-002",))
    with tempfile.TemporaryDirectory() as empty:
        report = run_scan(
            empty,
            config,
            use_cache=False,
            pii_files=tuple(os.path.abspath(f) for f in files),
            pii_sample=sample,
            pii_tables=tuple(targets),
            spark_sources=spark_sources,
        )
    report = dataclasses.replace(
        report, root="pii", controls=tuple(c for c in report.controls if c.control_id == "ED-2")
    )
    _emit(report, fmt, output, quiet)
    _exit(report, Severity(fail_on), True)


def _expand_paths(paths: tuple[str, ...], wanted: Callable[[str], bool]) -> list[str]:
    """Files as given, globs expanded, and folders walked for names ``wanted`` accepts."""
    import glob

    from seawall._errors import ConfigError

    files: list[str] = []
    for pattern in paths:
        matches = glob.glob(pattern, recursive=True) or (
            [pattern] if os.path.exists(pattern) else []
        )
        if not matches:
            raise ConfigError(f"no such file, folder or glob match: {pattern}")
        for match in matches:
            if os.path.isdir(match):
                for folder, _dirs, names in os.walk(match):
                    files.extend(os.path.join(folder, n) for n in sorted(names) if wanted(n))
            else:
                files.append(match)
    return files


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_report_options(fail_on="high")
@_guarded
def logs(paths: tuple[str, ...], fmt: str, output: str | None, fail_on: str, quiet: bool) -> None:
    """Check log samples for MI-2: any secret fails; PII redaction rate must reach 99%.

    PATH may be files (plain or gzip), globs, or folders (their *.log and
    *.log.N files).
    """
    import dataclasses
    import tempfile

    from seawall._config import Config
    from seawall._engine import run_scan
    from seawall._model import Severity

    def is_log(name: str) -> bool:
        lowered = name.lower()
        return lowered.endswith(".log") or ".log." in lowered

    files = _expand_paths(paths, is_log)
    config = Config(select=("MI2-001", "MI2-002"))
    with tempfile.TemporaryDirectory() as empty:
        report = run_scan(
            empty, config, use_cache=False, log_files=tuple(os.path.abspath(f) for f in files)
        )
    report = dataclasses.replace(
        report, root="logs", controls=tuple(c for c in report.controls if c.control_id == "MI-2")
    )
    _emit(report, fmt, output, quiet)
    _exit(report, Severity(fail_on), True)


@main.group()
def elevate() -> None:
    """Time-boxed admin elevation for PostgreSQL roles, with an append-only audit trail."""


def _elevation_target(target: str, config_file: str | None) -> tuple[str, Any]:
    from seawall._config import load_config
    from seawall._errors import ConfigError

    config = load_config(".", config_file)
    for entry in config.postgres:
        if entry.name == target:
            dsn = os.environ.get(entry.dsn_env or "", "")
            if entry.dsn_env and not dsn:
                raise ConfigError(f"environment variable {entry.dsn_env} is not set")
            return dsn, entry
    raise ConfigError(f"no [[postgres]] target named {target!r} in the config")


_TARGET_OPTION = click.option(
    "--target", required=True, help="A [[postgres]] target name from the config."
)
_CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="Config file."
)
_LOG_OPTION = click.option(
    "--audit-log",
    type=click.Path(dir_okay=False),
    default=".seawall/elevations.jsonl",
    show_default=True,
    help="JSON-lines audit log (in addition to the database's audit table).",
)


@elevate.command("grant")
@_TARGET_OPTION
@click.option("--user", required=True, help="The role to elevate.")
@click.option("--role", "admin_role", required=True, help="The admin role to grant.")
@click.option("--for", "duration", required=True, help="How long, e.g. 30m, 2h.")
@click.option("--reason", required=True, help="Why (an incident or change id).")
@_CONFIG_OPTION
@_LOG_OPTION
@_guarded
def elevate_grant(
    target: str,
    user: str,
    admin_role: str,
    duration: str,
    reason: str,
    config_file: str | None,
    audit_log: str,
) -> None:
    """Grant ROLE to USER until the duration runs out, recorded with who and why."""
    import datetime as dt
    from pathlib import Path

    from seawall.protect.elevation import grant, parse_duration

    dsn, entry = _elevation_target(target, config_file)
    record = grant(
        dsn,
        user=user,
        admin_role=admin_role,
        duration=parse_duration(duration),
        reason=reason,
        max_duration=dt.timedelta(minutes=entry.max_elevation_minutes),
        audit_log=Path(audit_log),
    )
    click.echo(f"granted {admin_role} to {user} until {record.expires_at} (grant {record.id})")


@elevate.command("sweep")
@_TARGET_OPTION
@_CONFIG_OPTION
@_LOG_OPTION
@_guarded
def elevate_sweep(target: str, config_file: str | None, audit_log: str) -> None:
    """Revoke every expired grant (idempotent; run it from cron)."""
    from pathlib import Path

    from seawall.protect.elevation import sweep

    dsn, _ = _elevation_target(target, config_file)
    revoked = sweep(dsn, audit_log=Path(audit_log))
    for record in revoked:
        click.echo(f"revoked {record.admin_role} from {record.grantee} (grant {record.grant_id})")
    click.echo(f"{len(revoked)} expired grant(s) revoked")


@elevate.command("list")
@_TARGET_OPTION
@_CONFIG_OPTION
@click.option("--all", "show_all", is_flag=True, help="Every record, not only active grants.")
@_guarded
def elevate_list(target: str, config_file: str | None, show_all: bool) -> None:
    """Active grants (or the whole audit trail with --all)."""
    from seawall.protect.elevation import active_grants, records

    dsn, _ = _elevation_target(target, config_file)
    history = records(dsn)
    shown = history if show_all else active_grants(history)
    for r in shown:
        click.echo(
            f"{r.id:>5} {r.action:<6} {r.grantee} -> {r.admin_role} "
            f"until {r.expires_at} by {r.actor}: {r.reason}"
        )
    if not shown:
        click.echo("no active grants" if not show_all else "no records")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@_guarded
def controls(fmt: str) -> None:
    """List the sixteen baseline controls and the checks Seawall runs for each."""
    import json

    from seawall.catalog import load_catalog
    from seawall.checks import all_checks

    checks = all_checks()
    if fmt == "json":
        data = [
            {
                "id": c.id,
                "domain": c.domain,
                "title": c.title,
                "practice": c.practice,
                "verify": list(c.verify),
                "evidence": c.evidence,
                "remediation": c.remediation,
                "references": list(c.references),
                "checks": [k.meta.id for k in checks if k.meta.control == c.id],
            }
            for c in load_catalog()
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for control in load_catalog():
        ids = ", ".join(k.meta.id for k in checks if k.meta.control == control.id) or "none yet"
        click.echo(f"{control.id:<5} {control.title:<34} {control.domain:<30} checks: {ids}")


@main.command()
@click.argument("identifier")
@_guarded
def explain(identifier: str) -> None:
    """Document a control such as SI-1 or a check such as CR1-001."""
    from seawall._explain import explain_text

    text = explain_text(identifier)
    if text is None:
        _fail(f"unknown control or check id {identifier!r} (see 'seawall controls')")
    click.echo(text)


@main.group()
def baseline() -> None:
    """Record accepted findings so later scans report only new ones."""


@baseline.command("create")
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option(
    "-o",
    "--output",
    default=".seawall-baseline.json",
    show_default=True,
    type=click.Path(dir_okay=False),
)
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
@_guarded
def baseline_create(path: str, output: str, config_file: str | None) -> None:
    """Scan PATH and write the fingerprints of its current findings to OUTPUT."""
    from seawall._baseline import baseline_document
    from seawall._config import load_config
    from seawall._engine import run_scan
    from seawall._errors import ConfigError

    if not os.path.exists(path):
        raise ConfigError(f"path does not exist: {path}")
    report = run_scan(path, load_config(path, config_file))
    active = report.active_findings()
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(baseline_document(active, report.tool_version))
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    click.echo(f"seawall: recorded {len(active)} finding(s) in {output}", err=True)


def _register_protect_commands() -> None:
    from seawall._cli_protect import keys, protect

    main.add_command(keys)
    main.add_command(protect)


_register_protect_commands()
