"""The engine: plan collectors, run checks, apply suppressions and baselines, build a Report.

Every exception a collector or check raises becomes an ``error`` result that
names the input and the reason; the rest of the scan goes on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pathspec

from seawall import __version__
from seawall._cache_dir import default_cache_dir
from seawall._config import Config, load_config, resolve_selection
from seawall._errors import ConfigError
from seawall._fingerprint import fingerprint
from seawall._model import (
    CheckMeta,
    ControlResult,
    ControlStatus,
    EvidenceKind,
    Finding,
    FindingStatus,
    Location,
    Notice,
    Report,
    ScanError,
    Severity,
)
from seawall._suppress import apply_suppressions, find_directives
from seawall.catalog import load_catalog
from seawall.checks import REGISTRY, LoadedCheck, control_of, load_check
from seawall.checks._api import CheckOutcome, Evidence, Violation
from seawall.collectors import CollectContext, Collected, CollectorIssue, run_collector
from seawall.collectors._files import walk_tree
from seawall.collectors._options import ScanOptions, SecretsOptions

__all__ = ["ProgressCallback", "run_scan"]

#: Called as progress(phase, done, total) while a scan runs.
ProgressCallback = Callable[[str, int, int], None]

# Below this many evidence items, forking a process pool (~50-100 ms) costs more
# than running every check inline.
_PARALLEL_THRESHOLD = 2000


@dataclass(frozen=True)
class _CheckRun:
    check_id: str
    outcome: CheckOutcome | None
    error: str | None


def _run_check_in_worker(check_id: str, evidence: Evidence) -> _CheckRun:
    """Top-level so a process pool can pickle it; never raises."""
    try:
        return _CheckRun(check_id, load_check(check_id).run(evidence), None)
    except Exception as exc:
        return _CheckRun(check_id, None, f"{type(exc).__name__}: {exc}")


def _evidence_size(evidence: Evidence) -> int:
    """How many parsed items the checks will examine (the bare file list is not work)."""
    return sum(
        len(value) if isinstance(value, tuple) else 1
        for kind, value in evidence.items()
        if kind is not EvidenceKind.FILE_TREE
    )


def _run_checks(
    checks: list[LoadedCheck],
    evidence_for: Callable[[LoadedCheck], Evidence],
    jobs: int,
    progress: ProgressCallback | None,
) -> list[_CheckRun]:
    inputs = [(c.meta.id, evidence_for(c)) for c in checks]
    total = sum(_evidence_size(e) for _, e in inputs)
    runs: list[_CheckRun] = []
    if jobs > 1 and len(inputs) > 1 and total >= _PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor  # only big scans pay for the import

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_run_check_in_worker, cid, ev) for cid, ev in inputs]
            for done, future in enumerate(futures, start=1):
                runs.append(future.result())
                if progress:
                    progress("checks", done, len(futures))
        return runs
    for done, (check_id, evidence) in enumerate(inputs, start=1):
        runs.append(_run_check_in_worker(check_id, evidence))
        if progress:
            progress("checks", done, len(inputs))
    return runs


def _collect_all(
    kinds: Iterable[EvidenceKind], context: CollectContext, progress: ProgressCallback | None
) -> dict[EvidenceKind, Collected]:
    ordered = sorted(set(kinds), key=lambda k: k.value)
    collected: dict[EvidenceKind, Collected] = {}
    for done, kind in enumerate(ordered, start=1):
        try:
            collected[kind] = run_collector(kind, context)
        except Exception as exc:
            issue = CollectorIssue(
                None, f"{kind.value} collector failed: {type(exc).__name__}: {exc}"
            )
            collected[kind] = Collected(None, (issue,))
        if progress:
            progress("collect", done, len(ordered))
    return collected


def _to_findings(meta: CheckMeta, violations: Iterable[Violation]) -> list[Finding]:
    findings = []
    seen: dict[str, int] = defaultdict(int)
    for violation in violations:
        subject = violation.path or violation.resource or ""
        occurrence = seen[f"{subject}\x1f{violation.key}"]
        seen[f"{subject}\x1f{violation.key}"] += 1
        status, reason, kind = FindingStatus.FAIL, None, None
        if violation.inline_ignore is not None and violation.inline_ignore[1]:
            status, reason, kind = FindingStatus.SUPPRESSED, violation.inline_ignore[1], "inline"
        findings.append(
            Finding(
                check_id=meta.id,
                control_id=meta.control,
                severity=violation.severity or meta.severity,
                status=status,
                message=violation.message,
                location=Location(
                    path=violation.path,
                    line=violation.line,
                    end_line=violation.end_line,
                    commit=violation.commit,
                    resource=violation.resource,
                ),
                remediation=meta.remediation,
                fingerprint=fingerprint(meta.id, subject, violation.key, occurrence),
                suppression_reason=reason,
                suppression_kind=kind,
                details=violation.details,
            )
        )
    return findings


_UNUSABLE_IGNORE_LINE = (
    "this .gitignore line cannot be compiled as a pattern (a reversed range such as [z-a], "
    "say), so it ignores nothing and the files it may have meant are scanned"
)


def _path_ignored(
    finding: Finding, ignores: Iterable[tuple[pathspec.GitIgnoreSpec, frozenset[str]]]
) -> bool:
    path = finding.location.path
    if path is None:
        return False
    names = {finding.check_id, finding.control_id}
    return any(names & ids and spec.match_file(path) for spec, ids in ignores)


def _control_results(
    checks: list[LoadedCheck],
    runs: Mapping[str, _CheckRun],
    findings: list[Finding],
    errors: list[ScanError],
) -> tuple[ControlResult, ...]:
    results = []
    controls_with_checks = {control_of(check_id) for check_id in REGISTRY}
    for control in load_catalog():
        mine = [c for c in checks if c.meta.control == control.id]
        own_findings = tuple(f for f in findings if f.control_id == control.id)
        own_errors = tuple(e for e in errors if e.control_id == control.id)
        active = [f for f in own_findings if f.status is FindingStatus.FAIL]
        evidenced: list[str] = []
        unevidenced: list[str] = []
        reasons: dict[str, list[str]] = {}  # clause -> why its checks had no evidence
        for check in mine:
            outcome = runs[check.meta.id].outcome
            if outcome is None:
                continue
            clause = check.meta.verify_clause
            if outcome.evidenced:
                if clause not in evidenced and check.meta.evidences_clause:
                    evidenced.append(clause)
                continue
            unevidenced.append(check.meta.id)
            if outcome.missing and outcome.missing not in reasons.setdefault(clause, []):
                reasons[clause].append(outcome.missing)
        # A clause counts as evidenced when any of its checks had evidence: a
        # GitHub-only repository is not "partial" for lacking a .gitlab-ci.yml.
        missing = [r for clause, why in reasons.items() if clause not in evidenced for r in why]
        ran_with_evidence = bool(evidenced)
        if not mine:
            missing.append(
                f"its checks are not selected; evidence: {control.evidence}"
                if control.id in controls_with_checks
                else f"no Seawall check covers it yet; evidence would be {control.evidence}"
            )
        if active:
            status = ControlStatus.FAIL
            summary = f"{len(active)} finding(s)"
        elif own_errors:
            status = ControlStatus.ERROR
            summary = f"{len(own_errors)} input(s) could not be checked: {own_errors[0].message}"
        elif not ran_with_evidence:
            status = ControlStatus.NOT_EVIDENCED
            summary = "; ".join(missing or [f"needs {control.evidence}"])
        elif missing:
            status = ControlStatus.PARTIAL
            summary = f"checks passed where evidence existed; missing: {'; '.join(missing)}"
        else:
            status = ControlStatus.PASS
            summary = f"{len(mine) - len(unevidenced)} check(s) passed"
            if unevidenced:
                summary += f" ({len(unevidenced)} more had nothing to check here)"
        suppressed = len(own_findings) - len(active)
        if suppressed:
            summary += f" ({suppressed} suppressed)"
        results.append(
            ControlResult(
                control_id=control.id,
                title=control.title,
                status=status,
                summary=summary,
                findings=own_findings,
                errors=own_errors,
                evidenced_clauses=tuple(evidenced),
                missing_evidence=tuple(missing),
                unevidenced_checks=tuple(unevidenced),
            )
        )
    return tuple(results)


def _pg_targets(config: Config) -> tuple[object, ...]:
    if not config.postgres:
        return ()
    from seawall.collectors.postgres import PgTarget

    targets = []
    for entry in config.postgres:
        target = PgTarget(
            name=entry.name,
            dsn_env=entry.dsn_env,
            environment=entry.environment,
            admin_roles=entry.admin_roles,
            max_elevation_minutes=entry.max_elevation_minutes,
            pii_schemas=entry.pii_schemas,
            pii_sample=entry.pii_sample,
        )
        if entry.tenant_columns is not None:
            target = dataclasses.replace(target, tenant_columns=entry.tenant_columns)
        targets.append(target)
    return tuple(targets)


def _tls_targets(config: Config) -> tuple[object, ...]:
    if not config.tls:
        return ()
    from seawall.collectors.tls import TlsEndpoint, default_port

    return tuple(
        TlsEndpoint(
            host=t.host,
            port=t.port or default_port(t.protocol),
            server_name=t.server_name,
            protocol=t.protocol,
            edge=t.edge,
            ca_file=t.ca_file,
            min_grade=t.min_grade,
        )
        for t in config.tls
    )


def run_scan(
    path: str,
    config: Config | None = None,
    *,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    baseline: frozenset[str] = frozenset(),
    config_file: str | None = None,
    progress: ProgressCallback | None = None,
    today: dt.date | None = None,
    history: bool | None = None,
    since: str | None = None,
    staged: bool = False,
    use_cache: bool = True,
    k8s_rendered: str | None = None,
    pii_files: tuple[str, ...] = (),
    pii_sample: int | None = None,
    pii_tables: tuple[tuple[str, str, str], ...] = (),
    spark_sources: tuple[str, ...] = (),
    log_files: tuple[str, ...] = (),
    terraform_plans: tuple[str, ...] = (),
    terraform_var_files: tuple[str, ...] = (),
) -> Report:
    """Scan a platform repository and return the report (ConfigError for bad input)."""
    started = time.perf_counter()
    if not os.path.exists(path):
        raise ConfigError(f"path does not exist: {path}")
    if not os.path.isdir(path):
        raise ConfigError(f"not a directory: {path}")
    if config is None:
        config = load_config(path, config_file)
    check_ids = resolve_selection(config, select, ignore)
    checks = [load_check(cid) for cid in check_ids]

    tree = walk_tree(
        path,
        exclude=config.exclude,
        max_file_size=config.max_file_size,
        environments=config.environments,
    )
    jobs = config.jobs or os.cpu_count() or 1
    settings = config.secrets
    options = ScanOptions(
        k8s_rendered=k8s_rendered,
        pii_files=pii_files,
        pii_sample=pii_sample,
        pii_tables=pii_tables,
        spark_sources=spark_sources,
        log_files=log_files,
        terraform_plans=tuple(os.path.abspath(p) for p in terraform_plans),
        terraform_var_files=tuple(os.path.abspath(p) for p in terraform_var_files),
        log_globs=config.logs.paths,
        rotation_logs=config.keys.rotation_logs,
        max_rotation_age_days=config.keys.max_rotation_age_days,
        sensitive_log_groups=config.logs.sensitive_groups,
        max_sensitive_log_days=config.logs.max_sensitive_retention_days,
        postgres=_pg_targets(config),
        tls=_tls_targets(config),
        secrets=SecretsOptions(
            history=history if history is not None else settings.history,
            since=since,
            staged=staged,
            cache_dir=str(default_cache_dir()) if use_cache else None,
            matcher_dir=str(default_cache_dir()),
            jobs=jobs,
            max_blob_size=settings.max_blob_size,
            # The tree's exclude list applies to history blobs by path too.
            allow_paths=(*settings.allow_paths, *config.exclude),
            allow_values=settings.allow_values,
            disable_rules=settings.disable_rules,
        ),
    )
    context = CollectContext(tree.root, tree, config.max_file_size, options)
    kinds = {kind for check in checks for kind in check.meta.needs}
    collected = _collect_all(kinds, context, progress)

    errors: list[ScanError] = []
    runnable: list[LoadedCheck] = []
    for check in checks:
        for kind in check.meta.needs:
            for issue in collected[kind].issues:
                errors.append(
                    ScanError(
                        check.meta.control, check.meta.id, issue.message, issue.path, issue.line
                    )
                )
        if any(collected[kind].evidence is None for kind in check.meta.needs):
            continue  # its evidence could not be built; the issues above say why
        runnable.append(check)

    runs = {
        run.check_id: run
        for run in _run_checks(
            runnable,
            lambda c: {kind: collected[kind].evidence for kind in c.meta.needs},
            jobs,
            progress,
        )
    }
    for check in checks:
        runs.setdefault(check.meta.id, _CheckRun(check.meta.id, None, None))

    raw_findings: list[Finding] = []
    for check in runnable:
        run = runs[check.meta.id]
        if run.error is not None:
            errors.append(
                ScanError(check.meta.control, check.meta.id, f"check failed: {run.error}")
            )
        elif run.outcome is not None:
            raw_findings.extend(_to_findings(check.meta, run.outcome.violations))

    ignores = [
        (pathspec.GitIgnoreSpec.from_lines([glob]), frozenset(ids))
        for glob, ids in config.per_path_ignores.items()
    ]
    raw_findings = [f for f in raw_findings if not _path_ignored(f, ignores)]
    in_baseline = [f for f in raw_findings if f.fingerprint in baseline]
    raw_findings = [f for f in raw_findings if f.fingerprint not in baseline]

    suppression = apply_suppressions(
        raw_findings,
        find_directives(context.texts_read()),
        config.suppressions,
        {c.meta.id: c.meta.control for c in checks},
        today or dt.date.today(),
    )
    findings = sorted(
        suppression.findings,
        key=lambda f: (f.control_id, -f.severity.rank, f.location.path or "", f.location.line or 0),
    )
    notices = list(suppression.notices)
    for run in runs.values():
        if run.outcome is not None:
            notices.extend(Notice(f"{run.check_id}-note", note) for note in run.outcome.notes)
    notices.extend(Notice("skipped-file", s.reason, s.path) for s in tree.skipped)
    notices.extend(
        Notice("unusable-ignore-line", _UNUSABLE_IGNORE_LINE, path, line)
        for path, line in tree.unusable_ignore_lines
    )
    notices.extend(
        Notice("invalid-utf8", "file is not valid UTF-8; undecodable bytes were replaced", p)
        for p, text in sorted(context.texts_read().items())
        if text.invalid_utf8
    )
    controls = _control_results(checks, runs, findings, errors)
    stats: dict[str, Any] = {
        "files_scanned": len(tree.files),
        "files_skipped": len(tree.skipped),
        "files_read": len(context.texts_read()),
        "checks_run": len(runnable),
        "findings": sum(1 for f in findings if f.status is FindingStatus.FAIL),
        "suppressed": sum(1 for f in findings if f.status is FindingStatus.SUPPRESSED),
        "baselined": len(in_baseline),
        "errors": len(errors),
        "by_severity": {
            s.value: sum(1 for f in findings if f.status is FindingStatus.FAIL and f.severity is s)
            for s in Severity
        },
        "duration_seconds": round(time.perf_counter() - started, 3),
    }
    for kind, result in sorted(collected.items(), key=lambda item: item[0].value):
        collector_stats = getattr(result.evidence, "stats", None)
        if callable(collector_stats):
            stats[kind.value] = collector_stats()
        notes = getattr(result.evidence, "notes", ())
        notices.extend(Notice(f"{kind.value}-note", note) for note in notes)
    return Report(
        tool_version=__version__,
        root=tree.root,
        checks_run=tuple(c.meta.id for c in runnable),
        controls=controls,
        findings=tuple(findings),
        errors=tuple(errors),
        notices=tuple(notices),
        stats=stats,
    )
