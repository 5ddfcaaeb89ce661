"""A labelled secret corpus, generated at run time (no credential-shaped text is committed).

Each positive is (family, expected rule, file name, text with the secret, the secret).
Each negative is (why it is not a secret, file name, text).
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Positive:
    family: str
    rule: str
    path: str
    text: str
    secret: str


@dataclass(frozen=True)
class Negative:
    why: str
    path: str
    text: str


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b62(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number, 62)
        out = B62[rest] + out
    return out.rjust(6, "0")


def github_token(rng: random.Random, prefix: str = "ghp_") -> str:
    body = _rand(rng, ALNUM, 30)
    return prefix + body + _b62(zlib.crc32(body.encode()))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(rng: random.Random) -> str:
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps({"sub": _rand(rng, ALNUM, 12), "iat": 1700000000}).encode())
    return f"{header}.{payload}.{_b64url(rng.randbytes(32))}"


def pem_key(rng: random.Random, kind: str = "RSA PRIVATE KEY") -> str:
    body = base64.b64encode(rng.randbytes(600)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"


def positives(seed: int = 7) -> list[Positive]:
    rng = random.Random(seed)
    r = lambda alphabet, n: _rand(rng, alphabet, n)  # noqa: E731
    upper32 = string.ascii_uppercase + "234567"
    hexd = "0123456789abcdef"
    aws_secret = r(ALNUM + "/+", 40)
    gh = github_token(rng)
    items = [
        (
            "cloud",
            "aws-access-key-id",
            "deploy/env.sh",
            "export AWS_ACCESS_KEY_ID={s}\n",
            "AKIA" + r(upper32, 16),
        ),
        (
            "cloud",
            "aws-secret-access-key",
            "config/aws.ini",
            "aws_secret_access_key = {s}\n",
            aws_secret,
        ),
        (
            "cloud",
            "gcp-api-key",
            "web/config.js",
            'const key = "{s}";\n',
            "AIza" + r(ALNUM + "_-", 35),
        ),
        (
            "cloud",
            "azure-storage-account-key",
            "app.config",
            "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={s};EndpointSuffix=core.windows.net\n",
            r(ALNUM + "+/", 86) + "==",
        ),
        (
            "cloud",
            "digitalocean-pat",
            "infra/do.tfvars",
            'do_token = "{s}"\n',
            "dop_v1_" + r(hexd, 64),
        ),
        ("vcs", "github-pat", "scripts/release.py", 'TOKEN = "{s}"\n', gh),
        (
            "vcs",
            "github-fine-grained-pat",
            ".github/token.txt",
            "{s}\n",
            "github_pat_" + r(ALNUM, 22) + "_" + r(ALNUM, 59),
        ),
        (
            "vcs",
            "gitlab-pat",
            "ci/settings.yml",
            "gitlab_token: {s}\n",
            "glpat-" + r(ALNUM + "_-", 20),
        ),
        (
            "saas",
            "slack-bot-token",
            "bot/config.yaml",
            "slack_token: {s}\n",
            f"xoxb-{r(string.digits, 12)}-{r(string.digits, 13)}-{r(ALNUM, 24)}",
        ),
        (
            "saas",
            "stripe-secret-key",
            "billing/settings.py",
            'STRIPE = "{s}"\n',
            "sk_live_" + r(ALNUM, 24),
        ),
        (
            "saas",
            "sendgrid-api-key",
            "mail/.env.production",
            "SENDGRID={s}\n",
            "SG." + r(ALNUM + "_-", 22) + "." + r(ALNUM + "_-", 43),
        ),
        ("saas", "datadog-api-key", "monitoring/datadog.yaml", "dd_api_key: {s}\n", r(hexd, 32)),
        (
            "ai",
            "openai-api-key",
            "ml/run.py",
            'openai.api_key = "{s}"\n',
            "sk-proj-" + r(ALNUM, 58) + "T3BlbkFJ" + r(ALNUM, 58),
        ),
        (
            "ai",
            "anthropic-api-key",
            "ml/claude.py",
            'client = Anthropic(api_key="{s}")\n',
            "sk-ant-api03-" + r(ALNUM + "_-", 93) + "AA",
        ),
        (
            "ai",
            "huggingface-token",
            "ml/hub.sh",
            "export HF_TOKEN={s}\n",
            "hf_" + r(string.ascii_letters, 34),
        ),
        (
            "registry",
            "npm-access-token",
            ".npmrc",
            "//registry.npmjs.org/:_authToken={s}\n",
            github_token(rng, "npm_"),
        ),
        (
            "registry",
            "pypi-upload-token",
            ".pypirc",
            "[pypi]\nusername = __token__\npassword = {s}\n",
            "pypi-AgEIcHlwaS5vcmc" + r(ALNUM + "_-", 70),
        ),
        (
            "database",
            "postgres-uri-password",
            "etl/settings.toml",
            'dsn = "postgresql://etl:{s}@db.internal:5432/warehouse"\n',
            r(ALNUM, 14),
        ),
        (
            "database",
            "mongodb-uri-password",
            "api/.env",
            "MONGO_URL=mongodb+srv://app:{s}@cluster0.example.net/db\n",
            r(ALNUM, 16),
        ),
        (
            "database",
            "jdbc-password",
            "app/application.properties",
            "spring.datasource.url=jdbc:sqlserver://db:1433;databaseName=x;user=sa;password={s}\n",
            r(ALNUM, 12) + "!9",
        ),
        ("token", "jwt", "tests/session.json", '{{"session": "{s}"}}\n', jwt(rng)),
        ("private-key", "private-key", "deploy/key.pem", "{s}\n", pem_key(rng)),
        (
            "private-key",
            "private-key",
            "home/.ssh/id_ed25519",
            "{s}\n",
            pem_key(rng, "OPENSSH PRIVATE KEY"),
        ),
        (
            "generic",
            "generic-credential",
            "deploy/values.yaml",
            'db:\n  password: "{s}"\n',
            r(ALNUM, 10) + "#4x",
        ),
        (
            "generic",
            "generic-credential",
            "service/config.py",
            'API_SECRET = "{s}"\n',
            r(ALNUM, 24),
        ),
        (
            "generic",
            "netrc-password",
            ".netrc",
            "machine api.example.com login deploy password {s}\n",
            r(ALNUM, 18),
        ),
        (
            "generic",
            "authorization-basic",
            "scripts/call.sh",
            'curl -H "Authorization: Basic {s}" https://api\n',
            base64.b64encode(f"deploy:{r(ALNUM, 14)}".encode()).decode(),
        ),
        (
            "generic",
            "docker-config-auth",
            ".docker/config.json",
            '{{"auths": {{"registry.example.com": {{"auth": "{s}"}}}}}}\n',
            base64.b64encode(f"ci:{r(ALNUM, 20)}".encode()).decode(),
        ),
    ]
    result = [
        Positive(f, rule, path, text.format(s=secret), secret)
        for f, rule, path, text, secret in items
    ]
    encoded = base64.b64encode(f'token = "{gh}"'.encode()).decode()
    result.append(
        Positive("encoded", "github-pat", "k8s/secret.yaml", f"data:\n  config: {encoded}\n", gh)
    )
    return result


def negatives(seed: int = 11) -> list[Negative]:
    rng = random.Random(seed)
    hexd = "0123456789abcdef"
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(300)).decode()
    return [
        Negative("git commit SHA", "release.yaml", f"commit: {_rand(rng, hexd, 40)}\n"),
        Negative("sha256 digest", "Dockerfile.lock", f'digest = "sha256:{_rand(rng, hexd, 64)}"\n'),
        Negative(
            "UUID",
            "data/ids.yaml",
            "id: 123e4567-e89b-12d3-a456-426614174000\ntoken_id: 8f14e45f-ceea-467f-a8f5-3e1c2b7d9a01\n",
        ),
        Negative(
            "env reference",
            "docker-compose.yml",
            "environment:\n  DB_PASSWORD: ${DB_PASSWORD}\n  API_TOKEN: $API_TOKEN\n",
        ),
        Negative(
            "template",
            "chart/values.yaml",
            'password: {{ .Values.db.password }}\nsecret: "{{ secret }}"\n',
        ),
        Negative(
            "placeholders",
            "config.example.yaml",
            "password: changeme\napi_key: <your-api-key>\ntoken: xxxxxxxxxxxx\nsecret: ''\n",
        ),
        Negative(
            "code reading env",
            "app/settings.py",
            'api_key = os.environ["API_KEY"]\ntoken = get_token()\npassword = settings.DB_PASSWORD\n',
        ),
        Negative(
            "AWS documentation example",
            "docs/aws.md",
            "AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        ),
        Negative(
            "inline image",
            "web/logo.css",
            f'.logo {{ background: url("data:image/png;base64,{png}"); }}\n',
        ),
        Negative(
            "names, not values",
            "api/models.py",
            '    "input_token": "next_token",\n    password_field = "password"\n',
        ),
        Negative(
            "placeholder token",
            "docs/setup.md",
            "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
        ),
        Negative(
            "path to a secret",
            "config/app.yaml",
            "secret_key_path: /etc/app/secret.key\ntoken_file: ./token.txt\n",
        ),
        Negative(
            "lockfile integrity",
            "package-lock.json",
            f'"integrity": "sha512-{base64.b64encode(rng.randbytes(64)).decode()}"\n',
        ),
        Negative(
            "public key",
            "keys/id_rsa.pub",
            "ssh-rsa " + base64.b64encode(rng.randbytes(270)).decode() + " dev@example\n",
        ),
        Negative(
            "certificate",
            "tls/ca.pem",
            "-----BEGIN CERTIFICATE-----\n"
            + base64.b64encode(rng.randbytes(300)).decode()
            + "\n-----END CERTIFICATE-----\n",
        ),
        Negative(
            "allow marker",
            "tests/fixtures.py",
            'FAKE = "sk_live_' + _rand(rng, ALNUM, 24) + '"  # seawall: allow\n',
        ),
        Negative(
            "hash of a password",
            "db/seed.sql",
            "INSERT INTO users VALUES ('admin', '$2b$12$" + _rand(rng, ALNUM + "./", 53) + "');\n",
        ),
    ]
