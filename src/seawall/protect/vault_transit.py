"""HashiCorp Vault's transit engine as the key provider (extra: ``pip install 'seawall[vault]'``).

Data keys are wrapped with ``transit/encrypt`` and unwrapped with
``transit/decrypt`` on a *derived* transit key, the data key's binding being
the derivation context, so Vault authenticates it. Seawall versions map to
transit key versions (kept in a small JSON state file with the pending
rotation marker); rotating calls ``transit/keys/NAME/rotate``, and retiring
raises the key's ``min_decryption_version`` past the retired versions.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from seawall.protect._versions import RemoteKeys, now
from seawall.protect.errors import DecryptionError, ProtectError

__all__ = ["VaultTransitProvider"]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class VaultTransitProvider(RemoteKeys):
    """Key versions backed by transit key versions; ``client`` is an ``hvac.Client``."""

    STATE_FORMAT = "seawall-vault-state/1"

    def __init__(self, state_path: Path, client: Any, *, mount_point: str = "transit") -> None:
        self._client = client
        self._transit = client.secrets.transit
        self._mount = mount_point
        self._load_state(state_path)

    def _latest(self, key_id: str) -> int:
        data = self._transit.read_key(name=key_id, mount_point=self._mount)["data"]
        if not data.get("derived"):
            raise ProtectError(
                f"transit key {key_id!r} is not derived: create it with derived=true so the "
                "data key binding is authenticated"
            )
        return int(data["latest_version"])

    def add_key(self, key_id: str, *, create: bool = True) -> int:
        """Use transit key ``key_id`` (created as a derived AES-256-GCM key when ``create``)."""
        if create:
            self._transit.create_key(
                name=key_id, derived=True, key_type="aes256-gcm96", mount_point=self._mount
            )
        entry = {"vault_version": self._latest(key_id), "created": now(), "state": "active"}
        self._add(key_id, entry)
        return 1

    def _new_entry(self, key_id: str, version: int) -> dict[str, Any]:
        self._transit.rotate_key(name=key_id, mount_point=self._mount)
        return {"vault_version": self._latest(key_id), "created": now(), "state": "active"}

    def _retire_entry(self, key_id: str, version: int, entry: dict[str, Any]) -> None:
        others = [
            int(e["vault_version"])
            for v, e in self._key(key_id)["versions"].items()
            if e["state"] == "active" and int(v) != version
        ]
        if others:
            self._transit.update_key_configuration(
                name=key_id, min_decryption_version=min(others), mount_point=self._mount
            )

    def wrap(self, key_id: str, data_key: bytes, context: bytes) -> tuple[int, bytes]:
        """``transit/encrypt`` under the primary version, the binding as derivation context."""
        version = self.primary_version(key_id)
        response = self._transit.encrypt_data(
            name=key_id,
            plaintext=_b64(data_key),
            context=_b64(context or b"-"),
            key_version=int(self._entry(key_id, version)["vault_version"]),
            mount_point=self._mount,
        )
        return version, response["data"]["ciphertext"].encode("ascii")

    def unwrap(self, key_id: str, version: int, wrapped: bytes, context: bytes) -> bytes:
        """``transit/decrypt``; a wrong binding or a retired version fails closed."""
        expected = f"vault:v{self._entry(key_id, version)['vault_version']}:".encode()
        if not wrapped.startswith(expected):
            raise DecryptionError(f"data key of {key_id!r} is not wrapped under version {version}")
        try:
            response = self._transit.decrypt_data(
                name=key_id,
                ciphertext=wrapped.decode("ascii"),
                context=_b64(context or b"-"),
                mount_point=self._mount,
            )
        except Exception as exc:  # hvac's InvalidRequest and friends: name it, never the blob
            raise DecryptionError(
                f"Vault refused to unwrap a data key of {key_id!r} version {version} "
                f"({type(exc).__name__})"
            ) from None
        return base64.b64decode(response["data"]["plaintext"])
