"""A labelled log corpus, generated at run time, for redaction rate and false redaction.

Every sensitive record carries the exact values that must not survive
redaction; every clean record must come out unchanged. Formats: JSON logs,
key=value, free text, HTTP headers, SQL with literals, stack traces with
locals. Values are valid for their type (Luhn, SSN rules, mod-97, possible
phone numbers, checksummed GitHub tokens), so the corpus tests redaction,
not pattern looseness.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
from dataclasses import dataclass

from secret_corpus import github_token

ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class LogRecordSample:
    """One log line: its format, its text, and the (type, value) pairs it must lose."""

    format: str
    text: str
    sensitive: tuple[tuple[str, str], ...]


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return body + str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    prefix, length = rng.choice(
        [("4", 16), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15),
         ("37", 15), ("6011", 16), ("3530", 16), ("36", 14)]
    )  # fmt: skip
    digits = _luhn_complete(prefix, length, rng)
    style = rng.choice(["plain", "4s", "dash4", "4-4-4-3"])
    if style == "4s":
        return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    if style == "dash4":
        return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    if style == "4-4-4-3" and len(digits) == 15:
        return " ".join([digits[:4], digits[4:8], digits[8:12], digits[12:]])
    return digits


def ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def iban(rng: random.Random) -> str:
    country, bban = rng.choice(
        [
            ("DE", "".join(rng.choice(string.digits) for _ in range(18))),
            ("GB", "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
             + "".join(rng.choice(string.digits) for _ in range(14))),
            ("NL", "ABNA" + "".join(rng.choice(string.digits) for _ in range(10))),
            ("FR", "".join(rng.choice(string.digits) for _ in range(23))),
        ]
    )  # fmt: skip
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    value = f"{country}{check:02d}{bban}"
    if rng.random() < 0.5:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


def phone(rng: random.Random) -> str:
    n = lambda k: "".join(rng.choice(string.digits) for _ in range(k))  # noqa: E731
    return rng.choice(
        [
            f"({rng.randint(2, 9)}{n(2)}) {rng.randint(2, 9)}{n(2)}-{n(4)}",
            f"{rng.randint(2, 9)}{n(2)}-{rng.randint(2, 9)}{n(2)}-{n(4)}",
            f"+1 {rng.randint(2, 9)}{n(2)} {rng.randint(2, 9)}{n(2)} {n(4)}",
            f"+44 20 7946 {n(4)}",
            f"020 7946 {n(4)}",
            f"+49 30 {n(8)}",
            f"0{rng.randint(1, 5)} {n(2)} {n(2)} {n(2)} {n(2)}",
            f"+33 {rng.randint(1, 7)} {n(2)} {n(2)} {n(2)} {n(2)}",
            f"+91 {rng.randint(7, 9)}{n(4)} {n(5)}",
            f"+55 11 9{n(4)}-{n(4)}",
        ]
    )


def email(rng: random.Random) -> str:
    first = rng.choice(["jane", "li", "omar", "ana", "kwame", "sofia", "raj", "eva"])
    last = rng.choice(["roe", "chen", "haddad", "silva", "mensah", "rossi", "patel", "novak"])
    domain = rng.choice(["gmail.com", "corp-mail.io", "uni.edu", "web.de", "orange.fr"])
    return f"{first}.{last}{rng.randint(1, 999)}@{domain}"


def password(rng: random.Random) -> str:
    return "".join(rng.choice(ALNUM + "!#%^*") for _ in range(rng.randint(10, 20)))


def token(rng: random.Random, length: int = 32) -> str:
    return "".join(rng.choice(ALNUM) for _ in range(length))


def jwt(rng: random.Random) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    body = part({"sub": str(rng.randint(1, 10**9)), "iat": 1764254740})
    return f"{header}.{body}.{token(rng, 43).replace('+', '-')}"


def aws_key_id(rng: random.Random) -> str:
    return "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


_TIME = "2026-11-27T14:{:02d}:{:02d}.{:03d}Z"


def _ts(rng: random.Random) -> str:
    return _TIME.format(rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999))


def sensitive(rng: random.Random) -> LogRecordSample:
    """One record holding one or two sensitive values, in one of six formats."""
    kind = rng.choice(
        ["email", "card", "ssn", "iban", "phone", "password", "github", "aws", "jwt",
         "bearer", "basic", "cookie", "dsn"]
    )  # fmt: skip
    fmt = rng.choice(["json", "kv", "text", "http", "sql", "trace"])
    user = rng.choice(["u-1842", "acct_77", "svc-billing"])
    if kind == "email":
        v = email(rng)
        texts = {
            "json": json.dumps({"ts": _ts(rng), "level": "info", "msg": "signup", "email": v}),
            "kv": f"ts={_ts(rng)} level=info event=signup email={v} plan=pro",
            "text": f"Sent receipt to {v} for order #{rng.randint(1000, 99999)}",
            "http": f"POST /api/invite HTTP/1.1\r\nX-Invitee: {v}",
            "sql": f"SELECT id FROM users WHERE email = '{v}' LIMIT 1",
            "trace": f'  File "app/mail.py", line 88, in send\n    recipient = {v!r}',
        }
    elif kind == "card":
        v = card(rng)
        texts = {
            "json": json.dumps({"msg": "payment declined", "card": v, "amount": 1999}),
            "kv": f"event=charge card_number={v} amount=19.99 currency=EUR",
            "text": f"Customer paid with card {v} at 14:02",
            "http": f"POST /pay HTTP/1.1\r\nX-Debug-Card: {v}",
            "sql": f"INSERT INTO payments (pan, amount) VALUES ('{v}', 1999)",
            "trace": f"ValueError: gateway rejected {v}\n    pan = '{v}'",
        }
    elif kind == "ssn":
        v = ssn(rng)
        texts = {
            "json": json.dumps({"msg": "kyc check", "ssn": v, "result": "pass"}),
            "kv": f"event=kyc ssn={v} result=pass",
            "text": f"KYC passed for applicant with SSN {v}",
            "http": f"GET /kyc?ssn={v} HTTP/1.1",
            "sql": f"UPDATE applicants SET ssn = '{v}' WHERE id = 42",
            "trace": f"    applicant = {{'name': 'x', 'ssn': '{v}'}}",
        }
    elif kind == "iban":
        v = iban(rng)
        texts = {
            "json": json.dumps({"msg": "payout", "iban": v, "amount": 250}),
            "kv": f"event=payout iban={v.replace(' ', '')} amount=250",
            "text": f"Payout of EUR 250 sent to {v} today",
            "http": f"POST /payouts HTTP/1.1\r\nX-Account: {v}",
            "sql": f"INSERT INTO payouts (account) VALUES ('{v}')",
            "trace": f"    target_account = '{v}'",
        }
        if fmt == "kv":
            v = v.replace(" ", "")
    elif kind == "phone":
        v = phone(rng)
        texts = {
            "json": json.dumps({"msg": "sms sent", "to": v, "template": "otp"}),
            "kv": f'event=sms to="{v}" template=otp',
            "text": f"Calling customer back on {v} about ticket 8812",
            "http": f"POST /sms HTTP/1.1\r\nX-Recipient: {v}",
            "sql": f"UPDATE contacts SET phone = '{v}' WHERE id = 7",
            "trace": f"    number = '{v}'",
        }
    elif kind == "password":
        v = password(rng)
        texts = {
            "json": json.dumps({"msg": "login", "user": user, "password": v}),
            "kv": f"event=login user={user} password={v}",
            "text": f"connect failed: db_password={v} host=db.internal",
            "http": f"POST /login HTTP/1.1\r\nX-Auth-Password: {v}",
            "sql": f"ALTER ROLE app WITH PASSWORD '{v}'",
            "trace": f"    user = '{user}'\n    password = '{v}'",
        }
    elif kind in ("github", "aws"):
        v = github_token(rng) if kind == "github" else aws_key_id(rng)
        texts = {
            "json": json.dumps({"msg": "config loaded", "value": v}),
            "kv": f"event=config source=env value={v}",
            "text": f"using credential {v} for the deploy step",
            "http": f"GET /repos HTTP/1.1\r\nX-Upstream-Credential: {v}",
            "sql": f"INSERT INTO integrations (cred) VALUES ('{v}')",
            "trace": f"    cred = '{v}'",
        }
    elif kind == "jwt":
        v = jwt(rng)
        texts = {
            "json": json.dumps({"msg": "session", "jwt": v}),
            "kv": f"event=session id_token={v}",
            "text": f"issued {v} to client web",
            "http": f"GET /me HTTP/1.1\r\nAuthorization: Bearer {v}",
            "sql": f"INSERT INTO sessions (jwt) VALUES ('{v}')",
            "trace": f"    session_jwt = '{v}'",
        }
    elif kind == "bearer":
        v = token(rng, 40)
        texts = {
            "json": json.dumps({"msg": "upstream", "headers": {"Authorization": f"Bearer {v}"}}),
            "kv": f'event=upstream authorization="Bearer {v}"',
            "text": f"retrying with Bearer {v}",
            "http": f"GET /v1/items HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {v}\r\nAccept: */*",
            "sql": f"INSERT INTO audit (note) VALUES ('Bearer {v}')",
            "trace": f"    headers = {{'Authorization': 'Bearer {v}'}}",
        }
    elif kind == "basic":
        v = base64.b64encode(f"{user}:{password(rng)}".encode()).decode()
        texts = {
            "json": json.dumps({"msg": "proxy", "authorization": f"Basic {v}"}),
            "kv": f'event=proxy authorization="Basic {v}"',
            "text": f"proxy sent Authorization: Basic {v}",
            "http": f"GET / HTTP/1.1\r\nProxy-Authorization: Basic {v}",
            "sql": f"INSERT INTO audit (hdr) VALUES ('Authorization: Basic {v}')",
            "trace": f"    auth_header = 'Basic {v}'",
        }
    elif kind == "cookie":
        v = token(rng, 32)
        texts = {
            "json": json.dumps({"msg": "req", "cookie": f"sid={v}; theme=dark"}),
            "kv": f'event=req cookie="sid={v}; theme=dark"',
            "text": f"Set-Cookie: sid={v}; Path=/; HttpOnly",
            "http": f"GET / HTTP/1.1\r\nCookie: sid={v}; theme=dark\r\nAccept: */*",
            "sql": f"INSERT INTO audit (hdr) VALUES ('Cookie: sid={v}')",
            "trace": f"    session_id = '{v}'",
        }
    else:  # dsn
        v = password(rng).replace("#", "x").replace("%", "y")
        url = f"postgresql://app:{v}@db-{rng.randint(1, 9)}.internal:5432/orders"
        texts = {
            "json": json.dumps({"msg": "db connect", "url": url}),
            "kv": f"event=db_connect url={url} pool=10",
            "text": f"connecting to {url} (attempt 2)",
            "http": f"POST /admin/db HTTP/1.1\r\nX-Target: {url}",
            "sql": f"-- migrated from {url}\nSELECT 1",
            "trace": f"    engine_url = '{url}'",
        }
    return LogRecordSample(fmt, texts[fmt], ((kind, v),))


def clean(rng: random.Random) -> LogRecordSample:
    """A record with nothing to redact, full of look-alikes: ids, times, sizes, hashes."""
    ts = _ts(rng)
    rid = uuid.UUID(int=rng.getrandbits(128))
    sha = f"{rng.getrandbits(160):040x}"
    ms = rng.randint(1, 5000)
    ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    epoch_ms = 1764254740000 + rng.randint(0, 10**8)
    order = rng.randint(10**6, 10**9)
    choices = [
        json.dumps({"ts": ts, "level": "info", "msg": "request done", "request_id": str(rid),
                    "path": f"/api/v1/orders/{order}", "status": 200, "duration_ms": ms}),
        f"ts={ts} level=info msg=\"cache miss\" key=user:{order} ttl=300 token_count={ms}",
        f"Processed batch {order} with {ms} rows in {ms / 1000:.3f}s on worker-{rng.randint(1, 9)}",
        f"GET /static/app.{sha[:8]}.js HTTP/1.1\r\nHost: shop.example\r\nAccept: */*\r\nIf-None-Match: \"{sha[:16]}\"",
        f"SELECT id, total FROM orders WHERE created_at > '{ts[:10]}' AND id = {order} LIMIT 50",
        f'Traceback (most recent call last):\n  File "app/jobs.py", line {ms % 400}, in run\n    batch_id = {order}\n    started = {epoch_ms}\nTimeoutError: deadline exceeded after {ms} ms',
        f"deployed commit {sha} as version 2.{rng.randint(0, 40)}.{rng.randint(0, 9)} at {ts}",
        f"client {ip} opened connection {rid} (tls=1.3 cipher=TLS_AES_128_GCM_SHA256)",
        f"password_reset requested=false attempts=0 for account {order}",
        f"disk usage 81.{rng.randint(0, 9)}% of 512 GiB on /dev/nvme0n1p{rng.randint(1, 4)}; inode 12345678",
        f"metric http.server.duration p99={ms}ms count={order} at {epoch_ms}",
        f"auth ok for user={rng.choice(['alice', 'svc-etl', 'bob'])} method=oidc session=new",
    ]  # fmt: skip
    fmt = ["json", "kv", "text", "http", "sql", "trace", "text", "text", "kv", "text", "kv", "kv"]
    index = rng.randrange(len(choices))
    return LogRecordSample(fmt[index], choices[index], ())


def corpus(count: int, seed: int = 7, share_sensitive: float = 0.3) -> list[LogRecordSample]:
    """``count`` records, ``share_sensitive`` of them with something to redact."""
    rng = random.Random(seed)
    return [sensitive(rng) if rng.random() < share_sensitive else clean(rng) for _ in range(count)]
