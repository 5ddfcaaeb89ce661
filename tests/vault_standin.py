"""A loopback stand-in for Vault's transit engine (no Vault binary or container runs here).

It serves the six endpoints VaultTransitProvider calls over real HTTP, with
Vault's documented semantics: versioned keys, derived keys (HKDF over the
context), "vault:vN:" ciphertexts, min_decryption_version, and 400 errors as
{"errors": [...]}. hvac talks to it exactly as it would to Vault.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_ROUTE = re.compile(r"^/v1/transit/(keys|encrypt|decrypt)/([\w\-]+)(?:/(rotate|config))?$")


class TransitStandIn:
    """Start with ``start()``; ``url`` is the address to give hvac.Client."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, Any]] = {}
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: dict[str, Any] | None) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PUT(self) -> None:
                self._handle("POST")

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                route = _ROUTE.match(self.path)
                if route is None:
                    self._reply(404, {"errors": ["no handler for route"]})
                    return
                status, reply = stand_in.handle(method, *route.groups(), body)
                self._reply(status, reply)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> TransitStandIn:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def _derived(material: bytes, context: str) -> bytes:
        return HKDF(hashes.SHA256(), 32, None, base64.b64decode(context)).derive(material)

    def handle(
        self, method: str, kind: str, name: str, action: str | None, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any] | None]:
        key = self.keys.get(name)
        if kind == "keys" and action is None and method == "POST":
            self.keys[name] = {"versions": {1: os.urandom(32)}, "latest": 1, "min": 1,
                               "derived": bool(body.get("derived"))}  # fmt: skip
            return 204, None
        if key is None:
            return 400, {"errors": [f"encryption key not found: {name}"]}
        if kind == "keys" and action is None:
            versions = {str(v): 0 for v in key["versions"] if v >= key["min"]}
            return 200, {"data": {"latest_version": key["latest"], "min_decryption_version": key["min"],
                                  "derived": key["derived"], "keys": versions}}  # fmt: skip
        if action == "rotate":
            key["latest"] += 1
            key["versions"][key["latest"]] = os.urandom(32)
            return 204, None
        if action == "config":
            key["min"] = int(body.get("min_decryption_version", key["min"]))
            return 204, None
        if key["derived"] and not body.get("context"):
            return 400, {"errors": ["missing 'context' for key derivation"]}
        if kind == "encrypt":
            version = int(body.get("key_version") or key["latest"])
            data_key = self._derived(key["versions"][version], body["context"])
            nonce = os.urandom(12)
            sealed = nonce + AESGCM(data_key).encrypt(
                nonce, base64.b64decode(body["plaintext"]), None
            )
            return 200, {"data": {"ciphertext": f"vault:v{version}:" + base64.b64encode(sealed).decode(),
                                  "key_version": version}}  # fmt: skip
        match = re.match(r"^vault:v(\d+):(.+)$", body.get("ciphertext", ""))
        if not match:
            return 400, {"errors": ["invalid ciphertext: no prefix"]}
        version = int(match.group(1))
        if version < key["min"] or version not in key["versions"]:
            return 400, {
                "errors": ["ciphertext or signature version is disallowed by policy (too old)"]
            }
        raw = base64.b64decode(match.group(2))
        try:
            plain = AESGCM(self._derived(key["versions"][version], body["context"])).decrypt(
                raw[:12], raw[12:], None
            )
        except InvalidTag:
            return 400, {"errors": ["cipher: message authentication failed"]}
        return 200, {"data": {"plaintext": base64.b64encode(plain).decode()}}
