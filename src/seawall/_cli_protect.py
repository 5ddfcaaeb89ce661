"""`seawall keys` and `seawall protect`: key management and column protection on the command line.

The keyring passphrase comes from ``$SEAWALL_KEYRING_PASSPHRASE`` or a
hidden prompt; it is never a command-line argument (argv is visible to
every user of the machine).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from seawall._cli_common import _guarded

if TYPE_CHECKING:
    from seawall.protect.keys import LocalKeyring

__all__ = ["keys", "protect"]

PASSPHRASE_ENV = "SEAWALL_KEYRING_PASSPHRASE"  # noqa: S105 - a variable name, not a value
_KEYRING = click.option(
    "--keyring",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".seawall/keyring.json"),
    show_default=True,
    help="Local keyring file (scrypt + AES-256-GCM).",
)
_KEY = click.option("--key", "key_id", required=True, help="Key id in the keyring.")
_STORE = click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".seawall/data-keys.db"),
    show_default=True,
    help="SQLite store of wrapped data keys.",
)


def _passphrase(confirm: bool) -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    prompted: str = click.prompt(
        "Keyring passphrase", hide_input=True, confirmation_prompt=confirm, err=True
    )
    return prompted


def _open(path: Path) -> LocalKeyring:
    from seawall.protect.keys import LocalKeyring

    return LocalKeyring.open(path, _passphrase(confirm=False))


@click.group()
def keys() -> None:
    """Local keyring: create keys, rotate them (rewrapping data keys), show their state."""


@keys.command("init")
@_KEYRING
@_KEY
@_guarded
def keys_init(keyring: Path, key_id: str) -> None:
    """Create the keyring (if missing) and a new key in it, version 1."""
    from seawall.protect.keys import LocalKeyring

    if keyring.exists():
        ring = _open(keyring)
    else:
        ring = LocalKeyring.create(keyring, _passphrase(confirm=True))
    ring.add_key(key_id)
    click.echo(f"seawall: key {key_id!r} created in {keyring} (version 1)", err=True)


@keys.command("rotate")
@_KEYRING
@_KEY
@_STORE
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".seawall/key-rotations.jsonl"),
    show_default=True,
    help="Rotation log (JSON lines) that `seawall scan` reads for SI-1.",
)
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=500, show_default=True)
@click.option("--actor", help="Who rotates (default: the login name).")
@_guarded
def keys_rotate(
    keyring: Path, key_id: str, store: Path, log_path: Path, batch_size: int, actor: str | None
) -> None:
    """Make a new primary version and rewrap every stored data key (crash-safe, resumable)."""
    from seawall.protect.envelope import DataKeyStore
    from seawall.protect.rotation import rotate

    ring = _open(keyring)
    result = rotate(
        ring,
        DataKeyStore(store),
        key_id,
        log_path=log_path,
        actor=actor,
        batch_size=batch_size,
    )
    resumed = " (resumed an interrupted rotation)" if result.resumed else ""
    retired = ", ".join(str(v) for v in result.retired) or "none"
    click.echo(
        f"seawall: key {key_id!r} now at version {result.target_version}{resumed}; "
        f"{result.rewrapped} data key(s) rewrapped; retired versions: {retired}",
        err=True,
    )


@keys.command("status")
@_KEYRING
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), help="Data key store.")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@_guarded
def keys_status(keyring: Path, store: Path | None, fmt: str) -> None:
    """Every key's versions, their state and age, and how many data keys each wraps."""
    from seawall.protect.envelope import DataKeyStore

    ring = _open(keyring)
    data_keys = DataKeyStore(store) if store is not None else None
    rows: list[dict[str, Any]] = []
    for key_id in ring.key_ids():
        counts = data_keys.count_by_version(key_id) if data_keys is not None else {}
        pending = ring.pending_rotation(key_id)
        rows.append(
            {
                "key_id": key_id,
                "primary": ring.primary_version(key_id),
                "pending_rotation_to": pending.target if pending else None,
                "versions": [
                    {
                        "version": v,
                        "state": ring.state(key_id, v),
                        "created": ring.created(key_id, v),
                        "data_keys": counts.get(v, 0) if data_keys is not None else None,
                    }
                    for v in ring.all_versions(key_id)
                ],
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        pending_text = (
            f", rotation to v{row['pending_rotation_to']} unfinished"
            if row["pending_rotation_to"]
            else ""
        )
        click.echo(f"{row['key_id']}: primary v{row['primary']}{pending_text}")
        for version in row["versions"]:
            count = "" if version["data_keys"] is None else f", {version['data_keys']} data key(s)"
            click.echo(
                f"  v{version['version']} {version['state']}, created {version['created']}{count}"
            )


@click.group()
def protect() -> None:
    """Tokenize or encrypt columns of data files at ingest."""


def _token_columns(values: tuple[str, ...]) -> dict[str, str]:
    from seawall._errors import ConfigError
    from seawall.protect.tokenize import _SHAPES

    columns = {}
    for value in values:
        name, _, shape = value.partition(":")
        shape = shape or "text"
        if shape not in _SHAPES:
            raise ConfigError(f"--tokenize {value}: unknown shape {shape!r} ({', '.join(_SHAPES)})")
        columns[name] = shape
    return columns


@protect.command("csv")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@_KEYRING
@_KEY
@_STORE
@click.option(
    "--tokenize",
    multiple=True,
    metavar="COLUMN[:SHAPE]",
    help="Tokenize a column; SHAPE is text (default), email, card or digits.",
)
@click.option("--encrypt", multiple=True, metavar="COLUMN", help="Encrypt a column (base64 cells).")
@click.option("--row-id", "row_id", metavar="COLUMN", help="Key column for the encryption context.")
@click.option(
    "--table", "table_name", help="Table name in the encryption context (default: file name)."
)
@_guarded
def protect_csv_command(
    source: Path,
    target: Path,
    keyring: Path,
    key_id: str,
    store: Path,
    tokenize: tuple[str, ...],
    encrypt: tuple[str, ...],
    row_id: str | None,
    table_name: str | None,
) -> None:
    """Copy SOURCE to TARGET with columns tokenized (deterministic HMAC) or encrypted (envelope)."""
    from seawall._errors import ConfigError
    from seawall.protect.envelope import DataKeyStore, EnvelopeCipher
    from seawall.protect.ingest import protect_csv
    from seawall.protect.tokenize import Tokenizer

    if not tokenize and not encrypt:
        raise ConfigError("name at least one --tokenize or --encrypt column")
    if source.resolve() == target.resolve():
        raise ConfigError("TARGET must differ from SOURCE")
    ring = _open(keyring)
    rows = protect_csv(
        source,
        target,
        table_name=table_name,
        tokenize=_token_columns(tokenize),
        encrypt=encrypt,
        tokenizer=Tokenizer.from_keyring(ring, key_id) if tokenize else None,
        cipher=EnvelopeCipher(ring, key_id, DataKeyStore(store)) if encrypt else None,
        row_id_column=row_id,
    )
    click.echo(f"seawall: wrote {rows} row(s) to {target}", err=True)
