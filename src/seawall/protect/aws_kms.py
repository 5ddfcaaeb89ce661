"""AWS KMS as the key provider (extra: ``pip install 'seawall[aws]'``).

Each Seawall key version is one KMS key; data keys are wrapped with
``kms:Encrypt`` under the primary version's KMS key and unwrapped with
``kms:Decrypt``, so key material never leaves KMS. The Seawall key id,
version and the data key's binding go into the KMS *encryption context*,
which KMS authenticates and CloudTrail records.

Which KMS key is which version (and a pending rotation) is kept in a small
JSON state file (no secrets; written atomically). Rotating creates a new KMS
key (or takes one you name) as the new primary; retiring a version disables
its KMS key (reversible, unlike scheduling deletion, which stays your call).

KMS's own automatic rotation of backing keys is separate and transparent to
Seawall; this rotation is for replacing a key outright (compromise, policy).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from seawall.protect._versions import RemoteKeys, now
from seawall.protect.errors import DecryptionError, ProtectError

__all__ = ["AwsKmsProvider"]


class AwsKmsProvider(RemoteKeys):
    """Key versions backed by KMS keys; ``client`` is a boto3 KMS client (made if omitted)."""

    STATE_FORMAT = "seawall-kms-state/1"

    def __init__(self, state_path: Path, client: Any = None, **client_options: Any) -> None:
        if client is None:
            try:
                import boto3
            except ImportError:
                raise ProtectError(
                    "AwsKmsProvider needs boto3: pip install 'seawall[aws]'"
                ) from None
            client = boto3.client("kms", **client_options)
        self._client = client
        self._load_state(state_path)
        self.next_kms_key: str | None = None  # use this KMS key for the next rotation

    def add_key(self, key_id: str, kms_key_id: str) -> int:
        """Register an existing KMS key (id, ARN or alias) as version 1 of ``key_id``."""
        arn = self._client.describe_key(KeyId=kms_key_id)["KeyMetadata"]["Arn"]
        self._add(key_id, {"kms_key": arn, "created": now(), "state": "active"})
        return 1

    def kms_key(self, key_id: str, version: int) -> str:
        """The ARN of the KMS key behind a version."""
        return str(self._entry(key_id, version)["kms_key"])

    def _new_entry(self, key_id: str, version: int) -> dict[str, Any]:
        if self.next_kms_key is not None:
            arn = self._client.describe_key(KeyId=self.next_kms_key)["KeyMetadata"]["Arn"]
        else:
            created = self._client.create_key(
                Description=f"seawall key {key_id} version {version}",
                KeyUsage="ENCRYPT_DECRYPT",
                Tags=[{"TagKey": "seawall:key", "TagValue": key_id}],
            )
            arn = created["KeyMetadata"]["Arn"]
        return {"kms_key": arn, "created": now(), "state": "active"}

    def _retire_entry(self, key_id: str, version: int, entry: dict[str, Any]) -> None:
        self._client.disable_key(KeyId=entry["kms_key"].rsplit("/", 1)[-1])

    @staticmethod
    def _context(key_id: str, version: int, context: bytes) -> dict[str, str]:
        return {
            "seawall:key": key_id,
            "seawall:version": str(version),
            "seawall:binding": base64.b64encode(context).decode("ascii"),
        }

    def wrap(self, key_id: str, data_key: bytes, context: bytes) -> tuple[int, bytes]:
        """``kms:Encrypt`` of the data key under the primary version's KMS key."""
        version = self.primary_version(key_id)
        response = self._client.encrypt(
            KeyId=self.kms_key(key_id, version),
            Plaintext=data_key,
            EncryptionContext=self._context(key_id, version, context),
        )
        return version, bytes(response["CiphertextBlob"])

    def unwrap(self, key_id: str, version: int, wrapped: bytes, context: bytes) -> bytes:
        """``kms:Decrypt``; a wrong version or binding fails closed."""
        arn = self.kms_key(key_id, version)
        try:
            response = self._client.decrypt(
                CiphertextBlob=wrapped,
                KeyId=arn,
                EncryptionContext=self._context(key_id, version, context),
            )
        except Exception as exc:  # botocore's ClientError subclasses: say which, never the blob
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
            raise DecryptionError(
                f"KMS refused to unwrap a data key of {key_id!r} version {version} ({code})"
            ) from None
        return bytes(response["Plaintext"])
