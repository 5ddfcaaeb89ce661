"""Tokenize or encrypt columns at ingest: Arrow tables, pandas DataFrames and CSV files.

Encrypted cells are bound to (table, column, row id) as encryption context,
so a value copied to another row or column does not decrypt. In Arrow and
pandas they are ``bytes`` (store them in a Postgres ``bytea`` column as is);
in CSV they are base64 text. Tokens are strings (see seawall.protect.tokenize).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from seawall.protect.envelope import EnvelopeCipher
from seawall.protect.errors import ProtectError
from seawall.protect.tokenize import Tokenizer

__all__ = ["protect_csv", "protect_dataframe", "protect_table", "reveal_csv_cell"]

_BATCH_BYTES = 8 * 1024 * 1024


def _row_ids(table: Any, row_id_column: str | None, first_row: int) -> list[str]:
    if row_id_column is None:
        return [str(first_row + i) for i in range(table.num_rows)]
    if row_id_column not in table.column_names:
        raise ProtectError(f"row id column {row_id_column!r} is not in the table")
    return [str(v) for v in table.column(row_id_column).to_pylist()]


def protect_table(
    table: Any,
    *,
    table_name: str,
    tokenize: Mapping[str, str] | None = None,
    encrypt: Sequence[str] = (),
    tokenizer: Tokenizer | None = None,
    cipher: EnvelopeCipher | None = None,
    row_id_column: str | None = None,
    first_row: int = 0,
    text_ciphertext: bool = False,
) -> Any:
    """A new Arrow table: ``tokenize`` columns (name -> shape) tokenized, ``encrypt`` encrypted.

    Without ``row_id_column`` the row id in the encryption context is the row
    number (``first_row`` + position), which suits append-only files; give a
    key column when rows may be reordered.
    """
    import pyarrow as pa

    tokenize = dict(tokenize or {})
    missing = [c for c in (*tokenize, *encrypt) if c not in table.column_names]
    if missing:
        raise ProtectError(f"column {missing[0]!r} is not in the table")
    if tokenize and tokenizer is None:
        raise ProtectError("tokenizing columns needs a tokenizer")
    if encrypt and cipher is None:
        raise ProtectError("encrypting columns needs an envelope cipher")
    if row_id_column is not None and row_id_column in encrypt:
        raise ProtectError("the row id column cannot itself be encrypted")
    row_ids = _row_ids(table, row_id_column, first_row) if encrypt else []
    columns = []
    for name in table.column_names:
        column = table.column(name)
        if name in tokenize and tokenizer is not None:
            values = [None if v is None else str(v) for v in column.to_pylist()]
            column = pa.array(tokenizer.tokenize_many(values, tokenize[name]), pa.string())
        elif name in encrypt and cipher is not None:
            sealed: list[Any] = []
            for value, row_id in zip(column.to_pylist(), row_ids, strict=True):
                if value is None:
                    sealed.append(None)
                    continue
                data = value if isinstance(value, bytes) else str(value).encode("utf-8")
                context = {"table": table_name, "column": name, "row": row_id}
                ciphertext = cipher.encrypt(data, context)
                sealed.append(
                    base64.b64encode(ciphertext).decode() if text_ciphertext else ciphertext
                )
            column = pa.array(sealed, pa.string() if text_ciphertext else pa.binary())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def protect_dataframe(frame: Any, **options: Any) -> Any:
    """:func:`protect_table` for a pandas DataFrame (returns a new DataFrame)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    return protect_table(table, **options).to_pandas()


def protect_csv(
    source: Path,
    target: Path,
    *,
    table_name: str | None = None,
    tokenize: Mapping[str, str] | None = None,
    encrypt: Sequence[str] = (),
    tokenizer: Tokenizer | None = None,
    cipher: EnvelopeCipher | None = None,
    row_id_column: str | None = None,
) -> int:
    """Stream ``source`` to ``target`` in Arrow batches, protecting columns; returns the row count.

    Every column is read as text, so values come out exactly as they went in;
    encrypted cells are base64 text. The table name in the encryption context
    defaults to the source file's name.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    name = table_name or source.name
    try:
        header = pcsv.open_csv(source, read_options=pcsv.ReadOptions(block_size=1 << 16))
        names = header.schema.names
    except (pa.ArrowInvalid, OSError) as exc:
        # Arrow's messages quote the offending row: name the failure, never the data.
        raise ProtectError(f"{source}: not a readable CSV file ({type(exc).__name__})") from None
    rows = 0
    writer = None
    failure: ProtectError | None = None
    try:
        # Inside the try: opening reads and converts the first block already.
        reader = pcsv.open_csv(
            source,
            read_options=pcsv.ReadOptions(block_size=_BATCH_BYTES),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
        )
        for batch in reader:
            protected = protect_table(
                pa.Table.from_batches([batch]),
                table_name=name,
                tokenize=tokenize,
                encrypt=encrypt,
                tokenizer=tokenizer,
                cipher=cipher,
                row_id_column=row_id_column,
                first_row=rows,
                text_ciphertext=True,
            )
            if writer is None:
                writer = pcsv.CSVWriter(target, protected.schema)
            writer.write_table(protected)
            rows += batch.num_rows
    except pa.ArrowInvalid as exc:  # e.g. a ragged row or invalid UTF-8
        failure = ProtectError(
            f"{source}: malformed CSV in the block after row {rows} "
            f"({type(exc).__name__}; row text withheld)"
        )
    except OSError as exc:
        failure = ProtectError(f"{source} -> {target}: {exc.strerror or type(exc).__name__}")
    finally:
        if writer is not None:
            writer.close()
    if failure is not None:
        if writer is not None:  # no half-written output left behind
            target.unlink(missing_ok=True)
        raise failure
    if writer is None:  # a header-only file: still write the header
        target.write_text(",".join(names) + "\n", encoding="utf-8")
    return rows


def reveal_csv_cell(
    cipher: EnvelopeCipher, cell: str, *, table_name: str, column: str, row_id: str
) -> bytes:
    """Decrypt one base64 cell written by :func:`protect_csv`."""
    context = {"table": table_name, "column": column, "row": row_id}
    return cipher.decrypt(base64.b64decode(cell), context)
