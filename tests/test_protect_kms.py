"""AwsKmsProvider against moto's KMS server on loopback (the local stand-in for AWS KMS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seawall.protect import DataKeyStore, DecryptionError, EnvelopeCipher, rotate

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

from seawall.protect.aws_kms import AwsKmsProvider  # noqa: E402


@pytest.fixture(scope="module")
def kms() -> Iterator[Any]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield boto3.client(
            "kms",
            endpoint_url=f"http://{host}:{port}",
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    finally:
        server.stop()


def test_envelope_with_kms_and_rotation(kms: Any, tmp_path: Path) -> None:
    first = kms.create_key(Description="seawall test")["KeyMetadata"]["KeyId"]
    provider = AwsKmsProvider(tmp_path / "kms-state.json", client=kms)
    provider.add_key("pii", first)
    store = DataKeyStore(tmp_path / "deks.db")
    cipher = EnvelopeCipher(provider, "pii", store, per="record")
    sealed = [cipher.encrypt(f"row {i}".encode(), {"row": i}) for i in range(12)]
    stored = store.get(sealed[0][5:21])
    assert b"row" not in stored.wrapped and len(stored.wrapped) > 32

    # The binding (data key id) is part of the KMS encryption context.
    with pytest.raises(DecryptionError, match="KMS refused"):
        provider.unwrap("pii", 1, stored.wrapped, b"another data key id")

    result = rotate(provider, store, "pii", log_path=tmp_path / "rot.jsonl", batch_size=5)
    assert (result.target_version, result.rewrapped, result.retired) == (2, 12, (1,))
    reopened = AwsKmsProvider(tmp_path / "kms-state.json", client=kms)
    assert reopened.primary_version("pii") == 2 and reopened.versions("pii") == [2]
    old_key = kms.describe_key(KeyId=first)["KeyMetadata"]
    assert old_key["KeyState"] == "Disabled"  # retired: its KMS key is disabled
    new_key = reopened.kms_key("pii", 2)
    assert new_key != old_key["Arn"]
    reader = EnvelopeCipher(reopened, "pii", store)
    assert [reader.decrypt(c, {"row": i}) for i, c in enumerate(sealed)] == [
        f"row {i}".encode() for i in range(12)
    ]
    assert "testing" not in repr(reopened)


def test_envelope_with_vault_transit_and_rotation(tmp_path: Path) -> None:
    hvac = pytest.importorskip("hvac")
    from vault_standin import TransitStandIn

    from seawall.protect.vault_transit import VaultTransitProvider

    stand_in = TransitStandIn().start()
    try:
        client = hvac.Client(url=stand_in.url, token="stand-in-token")
        provider = VaultTransitProvider(tmp_path / "vault-state.json", client)
        provider.add_key("pii")
        store = DataKeyStore(tmp_path / "deks.db")
        cipher = EnvelopeCipher(provider, "pii", store, per="record")
        sealed = [cipher.encrypt(f"row {i}".encode(), {"row": i}) for i in range(9)]
        stored = store.get(sealed[0][5:21])
        assert stored.wrapped.startswith(b"vault:v1:")
        with pytest.raises(DecryptionError, match="Vault refused"):
            provider.unwrap("pii", 1, stored.wrapped, b"another binding")

        result = rotate(provider, store, "pii", batch_size=4)
        assert (result.target_version, result.rewrapped, result.retired) == (2, 9, (1,))
        assert all(store.get(c[5:21]).wrapped.startswith(b"vault:v2:") for c in sealed)
        assert stand_in.keys["pii"]["min"] == 2  # Vault refuses the retired version now
        reopened = VaultTransitProvider(tmp_path / "vault-state.json", client)
        reader = EnvelopeCipher(reopened, "pii", store)
        assert [reader.decrypt(c, {"row": i}) for i, c in enumerate(sealed)] == [
            f"row {i}".encode() for i in range(9)
        ]
    finally:
        stand_in.stop()
