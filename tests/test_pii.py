"""PII in data files: validators, masked and test values, formats, sampling, non-prod labelling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_cli, scan_json, write_tree

from seawall.collectors import data_pii
from seawall.collectors.data_pii import DataFileError, scan_file
from seawall.detectors.pii import (
    DETECTORS,
    classify_value,
    luhn,
    valid_card,
    valid_iban,
    valid_nino,
    valid_phone,
    valid_ssn,
)

# Synthetic values that pass the validators (Luhn, mod-97, SSA area rules); none is a real person's.
CARD = "4539 1488 0343 6467"
IBAN = "GB82 WEST 1234 5698 7654 32"
SSN = "512-44-1234"
EMAIL = "jane.roe@acme-mail.net"

CUSTOMERS_CSV = (
    "order_id,customer_email,card_number,ssn,iban,notes,email_masked,card_masked\n"
    f"123456789,{EMAIL},{CARD},{SSN},{IBAN},called twice,tok_a81b44@acme.invalid,************6467\n"
    "987654321,sam.poe@mailbox.org,5500 0000 0000 0004,401-22-9876,DE89370400440532013000,"
    "none,j***@acme.com,XXXX-XXXX-XXXX-0004\n"
    "555000111,test.user@example.com,4111 1111 1111 1111,078-05-1120,,n/a,[REDACTED],####\n"
)


def statuses(report: dict[str, Any], *controls: str) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["controls"] if c["id"] in controls}


def by_type(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    result = scan_file(str(path), path.name)
    return {(c.column, c.type): (c.records, c.test_records) for c in result.columns}


def test_validators_reject_look_alikes() -> None:
    assert luhn("4539148803436467") and not luhn("4539148803436468")
    assert valid_card(CARD) and not valid_card("1234 5678 9012 3456")
    assert valid_iban(IBAN) and not valid_iban("GB82 WEST 1234 5698 7654 33")
    assert valid_ssn(SSN)
    assert not valid_ssn("000-12-3456") and not valid_ssn("666-12-3456")
    assert not valid_ssn("912-12-3456") and not valid_ssn("512-00-1234")
    assert valid_nino("AB 12 34 56 C") and not valid_nino("QQ 12 34 56 C")
    assert valid_phone("+44 20 7946 0958") and not valid_phone("+1 2")


def test_masked_tokenized_and_test_values() -> None:
    email = next(d for d in DETECTORS if d.type == "email")
    card = next(d for d in DETECTORS if d.type == "card")
    assert classify_value(EMAIL, email) == "pii"
    assert classify_value("someone@example.com", email) == "test"
    assert classify_value("tok_a81b44@acme.invalid", email) is None
    assert classify_value(CARD, card) == "pii"
    assert classify_value("4111111111111111", card) == "test"
    assert classify_value("************6467", card) is None
    # Digit runs inside other identifiers are not cards, even when they pass Luhn.
    french_iban = "FR26 5670 1250 3443 9326 0507 817"
    assert valid_iban(french_iban) and valid_card("5670 1250 3443 9326")
    assert classify_value(french_iban, card) is None
    assert classify_value("ref-5670125034439326-b", card) is None
    assert classify_value("card 5670 1250 3443 9326 on file", card) == "pii"
    assert (
        classify_value("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", card)
        is None
    )


def test_csv_columns_counts_and_false_positive_traps(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS_CSV)
    found = by_type(path)
    assert found[("customer_email", "email")] == (2, 1)
    assert found[("card_number", "card")] == (2, 1)
    assert found[("ssn", "ssn")] == (2, 1)
    assert found[("iban", "iban")] == (2, 0)
    # Nine-digit order ids are not SSNs outside an SSN column; masked columns hold nothing.
    assert not any(column == "order_id" for column, _ in found)
    assert not any(column in ("email_masked", "card_masked", "notes") for column, _ in found)


def test_jsonl_json_and_parquet_agree_with_csv(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "email": EMAIL, "card": CARD, "amount": 10.5},
        {"id": 2, "email": "tok_1@acme.invalid", "card": "****6467", "amount": 3.0},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (tmp_path / "a.json").write_text(json.dumps(rows))
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "a.parquet")
    expected = {("email", "email"): (1, 0), ("card", "card"): (1, 0)}
    for name in ("a.jsonl", "a.json", "a.parquet"):
        assert by_type(tmp_path / name) == expected, name


def test_sampling_reports_what_it_scanned(tmp_path: Path) -> None:
    emails = [
        f"user{i}@acme-mail.net" if i % 3 == 0 else f"tok_{i}@x.invalid" for i in range(10_000)
    ]
    pq.write_table(pa.table({"email": emails}), tmp_path / "big.parquet")
    full = scan_file(str(tmp_path / "big.parquet"), "big.parquet")
    assert full.scanned == 10_000 and full.columns[0].records == 3_334
    sampled = scan_file(str(tmp_path / "big.parquet"), "big.parquet", sample=500)
    assert sampled.records == 10_000 and sampled.scanned == 500
    assert "every 20th record" in sampled.sampling
    assert sampled.columns[0].records == len(range(0, 10_000, 60))


def test_scan_judges_only_non_prod_data(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "repo",
        {
            "data/prod/customers.csv": CUSTOMERS_CSV,
            "data/staging/masked.csv": "id,email\n1,tok_a81b44@acme.invalid\n",
        },
    )
    _, report = scan_json(root, "--select", "ED2-002,CP2-001")
    assert statuses(report, "ED-2", "CP-2") == {"ED-2": "pass", "CP-2": "pass"}
    write_tree(root, {"data/dev/extract.csv": CUSTOMERS_CSV})
    code, report = scan_json(root, "--select", "ED2-002,CP2-001")
    assert code == 1 and statuses(report, "ED-2", "CP-2") == {"ED-2": "fail", "CP-2": "fail"}
    paths = {f["path"] for f in report["findings"]}
    assert paths == {"data/dev/extract.csv"}
    text = json.dumps(report)
    for value in (EMAIL, CARD, SSN, IBAN, "4539148803436467"):
        assert value not in text  # findings name columns and record numbers, never values


def test_no_non_prod_data_is_not_evidenced(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"data/prod/customers.csv": CUSTOMERS_CSV})
    _, report = scan_json(root, "--select", "ED2-002")
    assert statuses(report, "ED-2") == {"ED-2": "not-evidenced"}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.parquet", b"PAR1 this is not parquet"),
        ("broken.jsonl", b'{"email": "a@b.co"\n{nope\n'),
        ("bad-utf8.csv", b"email\n\xff\xfe@\xff.com\n"),
    ],
)
def test_unreadable_data_files_are_errors_and_the_scan_goes_on(
    tmp_path: Path, name: str, content: bytes
) -> None:
    root = write_tree(
        tmp_path / "repo", {f"data/dev/{name}": content, "data/dev/ok.csv": CUSTOMERS_CSV}
    )
    _, report = scan_json(root, "--select", "ED2-002")
    assert any(e["path"] == f"data/dev/{name}" for e in report["errors"]), report["errors"]
    assert any(f["path"] == "data/dev/ok.csv" for f in report["findings"])


def test_pii_command_on_files_folders_and_globs(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"exports/a.csv": CUSTOMERS_CSV, "exports/clean.csv": "id,email\n1,tok_1@x.invalid\n"},
    )
    folder = run_cli("pii", str(tmp_path / "exports"), "--format", "json")
    assert folder.exit_code == 1
    report = json.loads(folder.stdout)
    assert {Path(f["path"]).name for f in report["findings"]} == {"a.csv"}
    clean = run_cli("pii", str(tmp_path / "exports" / "clean*.csv"), "-q")
    assert clean.exit_code == 0
    missing = run_cli("pii", str(tmp_path / "nowhere.csv"))
    assert missing.exit_code == 2 and "nowhere.csv" in missing.stderr


@pytest.mark.parametrize("name", ["empty.csv", "empty.parquet", "empty.jsonl", "empty.csv.gz"])
def test_an_empty_file_has_no_records_not_an_error(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    result = scan_file(str(tmp_path / name), name)
    assert (result.records, result.scanned, result.columns) == (0, 0, ())


def test_ragged_csv_error_names_the_position_not_the_row(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(f"email,card\n{EMAIL},{CARD}\nx,y,{CARD}\n")
    with pytest.raises(DataFileError) as error:
        scan_file(str(path), "ragged.csv")
    message = str(error.value)
    assert "Expected 2 columns, got 3" in message and "in the block from record 1" in message
    assert CARD not in message and EMAIL not in message


def test_streaming_blocks_keep_record_numbers_and_text_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small blocks force many batches; the zip column turns non-numeric late,
    # which per-block type inference would reject.
    monkeypatch.setattr(data_pii, "_CSV_BLOCK", 1024)
    rows = [f"{i},{i:05d},tok_{i}@x.invalid" for i in range(2_000)]
    rows[1_500] = f"1500,SW1A 1AA,{EMAIL}"
    path = tmp_path / "many.csv"
    path.write_text("id,zip,email\n" + "\n".join(rows) + "\n")
    result = scan_file(str(path), "many.csv")
    assert result.records == 2_000
    [column] = result.columns
    assert (column.column, column.records, column.examples) == ("email", 1, (1_501,))
    sampled = scan_file(str(path), "many.csv", sample=100)
    assert sampled.scanned == 100 and "every 20th record" in sampled.sampling
    assert sampled.columns[0].examples == (1_501,)


def test_identifier_columns_passing_checksums_by_chance_are_not_cards(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    ids = [f"4{rng.randrange(10**14, 10**15)}" for _ in range(400)]  # Visa-shaped, 16 digits
    cards = []
    while len(cards) < 400:
        body = f"4{rng.randrange(10**13, 10**14)}"
        cards.append(body + next(d for d in "0123456789" if luhn(body + d)))
    rows = ["shipment_ref,card_number,legacy_ref"]
    rows += [f"{a},{a},{c}" for a, c in zip(ids, cards, strict=True)]
    path = tmp_path / "shipments.csv"
    path.write_text("\n".join(rows) + "\n")
    result = scan_file(str(path), path.name)
    columns = {(c.column, c.type): c for c in result.columns}
    by_luck = sum(valid_card(a) for a in ids)
    assert 10 < by_luck < 80  # about one in ten
    # Read as identifiers: about a tenth pass, the rate random digits give.
    chance = columns[("shipment_ref", "card")]
    assert chance.records == 0 and chance.chance is not None
    assert f"{by_luck} of 400 card-shaped values pass" in chance.chance
    # The same values in a column named for cards, and real cards anywhere, still count.
    assert columns[("card_number", "card")].records == by_luck
    assert columns[("legacy_ref", "card")].records == 400
    # The scan says why, as a note, and reports no finding for the identifiers.
    root = write_tree(tmp_path / "repo", {"data/dev/shipments.csv": path.read_text()})
    _, report = scan_json(root, "--select", "ED2-002")
    assert {f["message"].split("column ")[1].split(" ")[0] for f in report["findings"]} == {
        "card_number",
        "legacy_ref",
    }
    notes = json.dumps(report)
    assert "shipment_ref: " + chance.chance in notes


def test_decimal_fractions_are_not_cards() -> None:
    card = next(d for d in DETECTORS if d.type == "card")
    assert classify_value("4539148803436467", card) == "pii"
    assert classify_value("43.4539148803436467", card) is None
    assert classify_value("4539148803436467.5", card) is None


def test_nested_json_and_parquet_columns(tmp_path: Path) -> None:
    records = [
        {
            "id": i,
            "customer": {"name": "Jane Roe", "contact": {"email": f"jane{i}@acme-mail.net"}},
            "cards": [CARD, "************6467"] if i % 2 else ["************6467"],
            "tags": {"ssn": SSN} if i == 3 else {"ssn": "***-**-1234"},
        }
        for i in range(6)
    ]
    (tmp_path / "people.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    found = by_type(tmp_path / "people.jsonl")
    assert found[("customer.contact.email", "email")] == (6, 0)
    assert found[("customer.name", "person-name")] == (6, 0)  # hinted by its path
    assert found[("cards", "card")] == (3, 0)  # records holding one, not list values
    assert found[("tags.ssn", "ssn")] == (1, 0)
    examples = {
        c.column: c.examples for c in scan_file(str(tmp_path / "people.jsonl"), "p").columns
    }
    assert examples["cards"] == (2, 4, 6)
    # Parquet with a list of structs and a map keeps the same paths.
    table = pa.table(
        {
            "contacts": [[{"email": EMAIL, "kind": "home"}], [], None],
            "attrs": pa.array(
                [[("iban", IBAN)], [("note", "n/a")], []], type=pa.map_(pa.string(), pa.string())
            ),
        }
    )
    pq.write_table(table, tmp_path / "nested.parquet")
    found = by_type(tmp_path / "nested.parquet")
    assert found[("contacts.email", "email")] == (1, 0)
    assert found[("attrs.value", "iban")] == (1, 0)


def test_dense_columns_skip_the_candidate_pass_with_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 100 records: the contact column is all candidates at first (so
    # later batches skip the "any candidate" pass), then mostly plain words with a
    # few emails, masks and phone numbers. Skipping must change nothing.
    import random

    monkeypatch.setattr(data_pii, "_BATCH_ROWS", 100)
    rng = random.Random(5)
    contact = [f"user{i}@mail-{i % 7}.com" for i in range(400)]
    contact += [
        rng.choice(["n/a", "see notes", "tbd", "****", f"+44 20 7946 {rng.randint(0, 9999):04d}"])
        if i % 9
        else f"late{i}@corp.example.org"
        for i in range(1_600)
    ]
    table = pa.table({"contact": contact, "note": [f"item {i}" for i in range(2_000)]})
    path = tmp_path / "shifting.parquet"
    pq.write_table(table, path)

    passes: list[str] = []
    real = data_pii._any_candidate

    def counted(name: str) -> str:
        passes.append(name)
        return real(name)

    monkeypatch.setattr(data_pii, "_any_candidate", counted)
    skipping = scan_file(str(path), "shifting.parquet", example_limit=10_000)
    skipped_passes = passes.count("contact")
    passes.clear()
    monkeypatch.setattr(data_pii, "_DENSE_SKIPS", 0)
    measuring = scan_file(str(path), "shifting.parquet", example_limit=10_000)
    assert passes.count("contact") == 20  # one per batch
    assert skipped_passes < 20
    assert skipping == measuring
    assert {c.type for c in measuring.columns} >= {"email", "phone"}
