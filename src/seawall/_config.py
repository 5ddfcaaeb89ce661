"""Configuration: ``seawall.toml`` or ``[tool.seawall]`` in ``pyproject.toml``.

Every key is validated; an unknown key or id is a ConfigError naming it, so a
typo never silently turns a check off.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pathspec.patterns.gitwildmatch import GitWildMatchPattern

from seawall._errors import ConfigError
from seawall._model import Severity
from seawall.catalog import CONTROL_IDS
from seawall.checks import REGISTRY, control_of
from seawall.collectors._files import DEFAULT_MAX_FILE_SIZE, Environment

__all__ = [
    "Config",
    "ConfigSuppression",
    "SecretsSettings",
    "load_config",
    "parse_config",
    "resolve_selection",
]

_KNOWN_KEYS = frozenset(
    {
        "select", "ignore", "exclude", "per-path-ignores", "environments", "suppress",
        "max-file-size", "fail-on", "jobs", "secrets", "postgres", "tls", "logs", "keys",
    }
)  # fmt: skip
_SECRETS_KEYS = frozenset(
    {"history", "allow-paths", "allow-values", "disable-rules", "max-blob-size"}
)
_SUPPRESS_KEYS = frozenset({"check", "reason", "path", "fingerprint", "expires"})


@dataclass(frozen=True)
class ConfigSuppression:
    """A suppression declared in config: a check (or control) on a path glob or a fingerprint."""

    check: str
    reason: str
    path: str | None = None
    fingerprint: str | None = None
    expires: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        """True once the expiry date has passed (the day itself still counts)."""
        return self.expires is not None and today > self.expires


@dataclass(frozen=True)
class SecretsSettings:
    """The ``[secrets]`` table: history default, allowlists, disabled rules, blob size cap."""

    history: bool | None = None
    allow_paths: tuple[str, ...] = ()
    allow_values: tuple[str, ...] = ()
    disable_rules: tuple[str, ...] = ()
    max_blob_size: int = 10 * 1024 * 1024


def _parse_secrets(raw: object) -> SecretsSettings:
    if not isinstance(raw, dict):
        raise ConfigError("[secrets] must be a table")
    unknown = sorted(set(raw) - _SECRETS_KEYS)
    if unknown:
        raise ConfigError(f"unknown configuration key 'secrets.{unknown[0]}'")
    history = raw.get("history")
    if history is not None and not isinstance(history, bool):
        raise ConfigError("secrets.history must be true or false")
    values = _strings(raw.get("allow-values", []), "secrets.allow-values")
    import re2

    for value in values:
        try:
            re2.compile(value)
        except re2.error as exc:
            # RE2 says why in bytes (b'missing ): ('): shown as text.
            why = exc.args[0] if exc.args else exc
            why = why.decode("utf-8", "replace") if isinstance(why, bytes) else str(why)
            raise ConfigError(f"secrets.allow-values: invalid regex {value!r}: {why}") from None
    rules = _strings(raw.get("disable-rules", []), "secrets.disable-rules")
    from seawall.detectors._rules import load_rules

    known = {rule.id for rule in load_rules()}
    for rule in rules:
        if rule not in known:
            raise ConfigError(f"secrets.disable-rules: unknown rule {rule!r}")
    size = raw.get("max-blob-size", 10 * 1024 * 1024)
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise ConfigError("secrets.max-blob-size must be a positive number of bytes")
    return SecretsSettings(
        history=history,
        allow_paths=_path_patterns(raw.get("allow-paths", []), "secrets.allow-paths"),
        allow_values=values,
        disable_rules=rules,
        max_blob_size=size,
    )


_POSTGRES_KEYS = frozenset(
    {"name", "dsn_env", "environment", "tenant_columns", "admin_roles", "max_elevation_minutes",
     "pii_schemas", "pii_sample"}
)  # fmt: skip


@dataclass(frozen=True)
class PgTargetConfig:
    """A ``[[postgres]]`` target: credentials only by reference (an environment variable)."""

    name: str
    dsn_env: str | None
    environment: str | None
    tenant_columns: tuple[str, ...] | None
    admin_roles: tuple[str, ...]
    max_elevation_minutes: int
    pii_schemas: tuple[str, ...] = ()  # non-prod targets: schemas scanned for PII by `scan`
    pii_sample: int | None = 10_000  # rows per table (TABLESAMPLE); None: every row


def _array_of_tables(
    raw: object, section: str, keys: frozenset[str], hints: dict[str, str] | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each entry of a ``[[section]]`` array as (its name in errors, the table), keys checked."""
    if not isinstance(raw, list):
        raise ConfigError(f"{section} must be an array of tables ([[{section}]])")
    for index, entry in enumerate(raw):
        where = f"{section}[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table")
        unknown = sorted(set(entry) - keys)
        if unknown:
            hint = (hints or {}).get(unknown[0])
            suffix = f" ({hint})" if hint else ""
            raise ConfigError(f"{where}: unknown key {unknown[0]!r}{suffix}")
        yield where, entry


def _parse_postgres(raw: object) -> tuple[PgTargetConfig, ...]:
    targets = []
    for where, entry in _array_of_tables(
        raw,
        "postgres",
        _POSTGRES_KEYS,
        {
            "dsn": "credentials come from dsn_env, never the config file",
            "password": "credentials come from dsn_env, never the config file",
        },
    ):
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}: 'name' is required")
        dsn_env = entry.get("dsn_env")
        if dsn_env is not None and not isinstance(dsn_env, str):
            raise ConfigError(f"{where}: 'dsn_env' must name an environment variable")
        environment = entry.get("environment")
        if environment is not None and environment not in ("prod", "non-prod"):
            raise ConfigError(f"{where}: environment must be prod or non-prod")
        tenant = entry.get("tenant_columns")
        minutes = entry.get("max_elevation_minutes", 240)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
            raise ConfigError(f"{where}: max_elevation_minutes must be a positive whole number")
        pii_sample = entry.get("pii_sample", 10_000)
        if pii_sample is not None and (
            not isinstance(pii_sample, int) or isinstance(pii_sample, bool) or pii_sample <= 0
        ):
            raise ConfigError(f"{where}: pii_sample must be a positive number of rows")
        pii_schemas = _strings(entry.get("pii_schemas", []), f"{where}.pii_schemas")
        if pii_schemas and environment != "non-prod":
            raise ConfigError(f'{where}: pii_schemas is for targets with environment = "non-prod"')
        targets.append(
            PgTargetConfig(
                name=name,
                dsn_env=dsn_env,
                environment=environment,
                tenant_columns=_strings(tenant, f"{where}.tenant_columns")
                if tenant is not None
                else None,
                admin_roles=_strings(entry.get("admin_roles", []), f"{where}.admin_roles"),
                max_elevation_minutes=minutes,
                pii_schemas=pii_schemas,
                pii_sample=pii_sample,
            )
        )
    if len({t.name for t in targets}) != len(targets):
        raise ConfigError("postgres target names must be unique")
    return tuple(targets)


_TLS_KEYS = frozenset({"host", "port", "server_name", "protocol", "edge", "ca_file", "min_grade"})
_TLS_PROTOCOLS = ("https", "tls", "postgres", "smtp")
_GRADES = ("A+", "A", "B", "C", "F")


@dataclass(frozen=True)
class TlsTargetConfig:
    """A ``[[tls]]`` endpoint."""

    host: str
    port: int | None
    server_name: str | None
    protocol: str
    edge: bool
    ca_file: str | None
    min_grade: str | None


def _parse_tls(raw: object) -> tuple[TlsTargetConfig, ...]:
    targets = []
    for where, entry in _array_of_tables(raw, "tls", _TLS_KEYS):
        host = entry.get("host")
        if not isinstance(host, str) or not host:
            raise ConfigError(f"{where}: 'host' is required")
        port = entry.get("port")
        if port is not None and (
            not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536
        ):
            raise ConfigError(f"{where}: 'port' must be 1-65535")
        protocol = entry.get("protocol", "https")
        if protocol not in _TLS_PROTOCOLS:
            raise ConfigError(f"{where}: protocol must be one of {', '.join(_TLS_PROTOCOLS)}")
        edge = entry.get("edge", False)
        if not isinstance(edge, bool):
            raise ConfigError(f"{where}: 'edge' must be true or false")
        grade = entry.get("min_grade")
        if grade is not None and grade not in _GRADES:
            raise ConfigError(f"{where}: min_grade must be one of {', '.join(_GRADES)}")
        targets.append(
            TlsTargetConfig(
                host, port, entry.get("server_name"), protocol, edge, entry.get("ca_file"), grade
            )
        )
    return tuple(targets)


@dataclass(frozen=True)
class LogsSettings:
    """The ``[logs]`` table: log files to check for MI-2, and which log groups are sensitive."""

    paths: tuple[str, ...] = ()  # globs relative to the root
    # Case-insensitive words in a CloudWatch log group's name that mark it sensitive.
    sensitive_groups: tuple[str, ...] = ("audit", "security", "access", "auth", "pii", "sensitive")
    max_sensitive_retention_days: int = 90


@dataclass(frozen=True)
class KeysSettings:
    """The ``[keys]`` table: rotation logs written by `seawall keys rotate`, and the age limit."""

    rotation_logs: tuple[str, ...] = (".seawall/key-rotations.jsonl",)
    max_rotation_age_days: int = 90


def _table(raw: object, name: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"[{name}] must be a table")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(f"unknown configuration key '{name}.{unknown[0]}'")
    return raw


def _parse_logs(raw: object) -> LogsSettings:
    table = _table(
        raw, "logs", frozenset({"paths", "sensitive-groups", "max-sensitive-retention-days"})
    )
    days = table.get("max-sensitive-retention-days", 90)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3653:
        raise ConfigError(
            "logs.max-sensitive-retention-days must be a whole number of days (1-3653)"
        )
    groups = _strings(
        table.get("sensitive-groups", list(LogsSettings.sensitive_groups)), "logs.sensitive-groups"
    )
    return LogsSettings(
        paths=_strings(table.get("paths", []), "logs.paths"),
        sensitive_groups=groups,
        max_sensitive_retention_days=days,
    )


def _parse_keys(raw: object) -> KeysSettings:
    table = _table(raw, "keys", frozenset({"rotation-logs", "max-rotation-age-days"}))
    age = table.get("max-rotation-age-days", 90)
    if not isinstance(age, int) or isinstance(age, bool) or not 1 <= age <= 3650:
        raise ConfigError("keys.max-rotation-age-days must be a whole number of days (1-3650)")
    logs = _strings(
        table.get("rotation-logs", list(KeysSettings.rotation_logs)), "keys.rotation-logs"
    )
    return KeysSettings(rotation_logs=logs, max_rotation_age_days=age)


@dataclass(frozen=True)
class Config:
    """Validated configuration; the defaults scan everything."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_path_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    environments: Mapping[Environment, tuple[str, ...]] = field(default_factory=dict)
    suppressions: tuple[ConfigSuppression, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    fail_on: Severity = Severity.HIGH
    jobs: int = 0  # 0: one per core
    secrets: SecretsSettings = field(default_factory=lambda: SecretsSettings())
    postgres: tuple[PgTargetConfig, ...] = ()
    tls: tuple[TlsTargetConfig, ...] = ()
    logs: LogsSettings = field(default_factory=LogsSettings)
    keys: KeysSettings = field(default_factory=KeysSettings)
    source: str | None = None


def _check_ids(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of check or control ids")
    for item in value:
        if item not in REGISTRY and item not in CONTROL_IDS:
            raise ConfigError(f"{where}: unknown check or control id {item!r}")
    return tuple(value)


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def _path_patterns(value: object, where: str) -> tuple[str, ...]:
    """Strings that are valid .gitignore-style patterns (a bad one is a config error)."""
    patterns = _strings(value, where)
    for pattern in patterns:
        try:
            GitWildMatchPattern(pattern)  # translated and compiled, as the scan will
        except (ValueError, re.error) as exc:  # re.error: e.g. a reversed range "[z-a]"
            raise ConfigError(f"{where}: {pattern!r} is not a valid path pattern ({exc})") from None
    return patterns


def _parse_suppression(raw: object, index: int) -> ConfigSuppression:
    where = f"suppress[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(raw) - _SUPPRESS_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}")
    check = raw.get("check")
    if not isinstance(check, str) or (check not in REGISTRY and check not in CONTROL_IDS):
        raise ConfigError(f"{where}: 'check' must name a check or control id, got {check!r}")
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"{where}: a suppression needs a non-empty 'reason'")
    path, fingerprint = raw.get("path"), raw.get("fingerprint")
    if path is None and fingerprint is None:
        raise ConfigError(f"{where}: give a 'path' glob or a 'fingerprint'")
    if path is not None and not isinstance(path, str):
        raise ConfigError(f"{where}: 'path' must be a string")
    if path is not None:
        _path_patterns([path], f"{where}.path")
    if fingerprint is not None and not isinstance(fingerprint, str):
        raise ConfigError(f"{where}: 'fingerprint' must be a string")
    expires = raw.get("expires")
    if expires is not None and (
        not isinstance(expires, dt.date) or isinstance(expires, dt.datetime)
    ):
        raise ConfigError(f"{where}: 'expires' must be a date such as 2026-12-31")
    return ConfigSuppression(check, reason.strip(), path, fingerprint, expires)


def _parse_size(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ConfigError("max-file-size must be a positive number of bytes")


def parse_config(data: Mapping[str, Any], source: str | None = None) -> Config:
    """Validate a config table (already parsed from TOML)."""
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"unknown configuration key {unknown[0]!r}" + (f" in {source}" if source else "")
        )
    per_path_raw = data.get("per-path-ignores", {})
    if not isinstance(per_path_raw, dict):
        raise ConfigError("per-path-ignores must be a table of glob = [ids]")
    _path_patterns(list(per_path_raw), "per-path-ignores")
    per_path = {
        glob: _check_ids(ids, f"per-path-ignores[{glob!r}]") for glob, ids in per_path_raw.items()
    }
    environments_raw = data.get("environments", {})
    if not isinstance(environments_raw, dict):
        raise ConfigError("environments must be a table such as prod = ['deploy/prod/**']")
    environments: dict[Environment, tuple[str, ...]] = {}
    for name, globs in environments_raw.items():
        try:
            label = Environment(name)
        except ValueError:
            raise ConfigError(
                f"environments: unknown environment {name!r} (use prod or non-prod)"
            ) from None
        environments[label] = _path_patterns(globs, f"environments.{name}")
    suppress_raw = data.get("suppress", [])
    if not isinstance(suppress_raw, list):
        raise ConfigError("suppress must be an array of tables ([[suppress]])")
    fail_on_raw = data.get("fail-on", Severity.HIGH.value)
    try:
        fail_on = Severity(fail_on_raw)
    except ValueError:
        raise ConfigError(f"fail-on: unknown severity {fail_on_raw!r}") from None
    jobs = data.get("jobs", 0)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        raise ConfigError("jobs must be a whole number >= 0 (0: one per core)")
    return Config(
        select=_check_ids(data.get("select", []), "select"),
        ignore=_check_ids(data.get("ignore", []), "ignore"),
        exclude=_path_patterns(data.get("exclude", []), "exclude"),
        per_path_ignores=per_path,
        environments=environments,
        suppressions=tuple(_parse_suppression(r, i) for i, r in enumerate(suppress_raw)),
        max_file_size=_parse_size(data.get("max-file-size", DEFAULT_MAX_FILE_SIZE)),
        fail_on=fail_on,
        jobs=jobs,
        secrets=_parse_secrets(data.get("secrets", {})),
        postgres=_parse_postgres(data.get("postgres", [])),
        tls=_parse_tls(data.get("tls", [])),
        logs=_parse_logs(data.get("logs", {})),
        keys=_parse_keys(data.get("keys", {})),
        source=source,
    )


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from None
    except UnicodeDecodeError as exc:  # tomllib decodes the bytes before it parses
        raise ConfigError(
            f"invalid TOML in {path}: not UTF-8 (byte {exc.start}, {exc.reason})"
        ) from None


def load_config(root: str, explicit: str | None = None) -> Config:
    """The config for a scan root: ``explicit``, else ``seawall.toml``, else pyproject's table."""
    if explicit is not None:
        data = _read_toml(explicit)
        table = (
            data.get("tool", {}).get("seawall", data)
            if explicit.endswith("pyproject.toml")
            else data
        )
        return parse_config(table, explicit)
    candidate = os.path.join(root, "seawall.toml")
    if os.path.isfile(candidate):
        return parse_config(_read_toml(candidate), candidate)
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject):
        table = _read_toml(pyproject).get("tool", {}).get("seawall")
        if isinstance(table, dict):
            return parse_config(table, pyproject)
    return Config()


def resolve_selection(
    config: Config, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Check ids to run: command-line select/ignore refine the config's."""
    for item in (*select, *ignore):
        if item not in REGISTRY and item not in CONTROL_IDS:
            raise ConfigError(f"unknown check or control id {item!r}")
    chosen = select or config.select
    ignored = set(ignore) | set(config.ignore)
    result = []
    for check_id in sorted(REGISTRY):
        control = control_of(check_id)
        if chosen and check_id not in chosen and control not in chosen:
            continue
        if check_id in ignored or control in ignored:
            continue
        result.append(check_id)
    return tuple(result)
