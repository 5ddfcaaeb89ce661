"""TLS benchmark (issue #9): 100 endpoints probed concurrently, side by side with sslyze.

Run: python bench/tls.py   (sslyze from bench/.venv: bench/.venv/bin/pip install sslyze)

Starts 100 real TLS servers on 127.0.0.1 (a mix of modern, legacy-protocol,
no-forward-secrecy and TLS 1.3-only configurations, certificates from a
throwaway CA), probes them all with `seawall tls` and with sslyze in the same
run, and compares the protocol versions each tool saw as accepted.
"""

from __future__ import annotations

import json
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _anchors import installed_seawall
from _report import write_section

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from tls_servers import CA, TlsServer  # noqa: E402

COUNT = 100
PROFILES = [
    ("modern", {"minimum": ssl.TLSVersion.TLSv1_2, "hsts": "max-age=31536000"}),
    ("tls13-only", {"minimum": ssl.TLSVersion.TLSv1_3, "hsts": "max-age=31536000"}),
    ("legacy", {"minimum": ssl.TLSVersion.TLSv1, "ciphers": "ECDHE+AESGCM:ECDHE-ECDSA-AES128-SHA"}),
    ("no-fs", {"ciphers": "ECDHE+AESGCM:AES128-GCM-SHA256"}),
]
VERSIONS = {
    "TLSv1.0": "tls_1_0_cipher_suites",
    "TLSv1.1": "tls_1_1_cipher_suites",
    "TLSv1.2": "tls_1_2_cipher_suites",
    "TLSv1.3": "tls_1_3_cipher_suites",
}


def main() -> None:
    installed_seawall()  # a clean venv, first on PATH: every `seawall` below is that one
    ca = CA()
    servers = []
    for i in range(COUNT):
        name, options = PROFILES[i % len(PROFILES)]
        rsa_bits = 2048 if name == "no-fs" else None
        servers.append((name, TlsServer(ca.leaf("localhost", rsa_bits=rsa_bits), **options)))  # type: ignore[arg-type]
    targets = [f"127.0.0.1:{s.port}" for _, s in servers]
    seawall_runs = []
    report: dict = {}  # type: ignore[type-arg]
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run(
            [
                "seawall",
                "tls",
                *targets,
                "--server-name",
                "localhost",
                "--ca-file",
                str(ca.path),
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        seawall_runs.append(time.perf_counter() - started)
        report = json.loads(result.stdout)
    single_started = time.perf_counter()
    subprocess.run(
        [
            "seawall",
            "tls",
            targets[0],
            "--server-name",
            "localhost",
            "--ca-file",
            str(ca.path),
            "-q",
        ],
        capture_output=True,
        check=False,
    )
    seawall_single = time.perf_counter() - single_started
    ours = {e["resource"].split(":")[-1]: e for e in report["endpoints"]}
    grades = {}
    for name, server in servers:
        grades.setdefault(name, set()).add(ours[str(server.port)]["grade"])
    sslyze = HERE / ".venv" / "bin" / "sslyze"
    lines = [
        f"{COUNT} real TLS servers on 127.0.0.1 (4 profiles), 2 cores; whole process wall time.",
        "",
        "| tool | 100 endpoints | 1 endpoint | target |",
        "|---|---:|---:|---:|",
    ]
    sslyze_line = "| sslyze 6 | not installed | | |"
    agreement = ""
    if sslyze.exists():
        with tempfile.TemporaryDirectory() as tmp:
            targets_file = Path(tmp) / "targets.txt"
            targets_file.write_text("\n".join(targets) + "\n")
            out = Path(tmp) / "sslyze.json"
            started = time.perf_counter()
            subprocess.run(
                [
                    str(sslyze),
                    "--targets_in",
                    str(targets_file),
                    "--json_out",
                    str(out),
                    "--quiet",
                    "--tlsv1",
                    "--tlsv1_1",
                    "--tlsv1_2",
                    "--tlsv1_3",
                    "--certinfo",
                ],
                capture_output=True,
                check=False,
            )
            sslyze_all = time.perf_counter() - started
            started = time.perf_counter()
            subprocess.run(
                [
                    str(sslyze),
                    targets[0],
                    "--quiet",
                    "--tlsv1",
                    "--tlsv1_1",
                    "--tlsv1_2",
                    "--tlsv1_3",
                    "--certinfo",
                ],
                capture_output=True,
                check=False,
            )
            sslyze_single = time.perf_counter() - started
            data = json.loads(out.read_text())
        same = total = 0
        differences = []
        for result in data.get("server_scan_results", []):
            port = str(result["server_location"]["port"])
            scan = result.get("scan_result") or {}
            theirs = {}
            for label, key in VERSIONS.items():
                attempt = scan.get(key) or {}
                accepted = (attempt.get("result") or {}).get("accepted_cipher_suites")
                theirs[label] = bool(accepted)
            total += 1
            if theirs == ours[port]["protocols"]:
                same += 1
            else:
                differences.append(port)
        sslyze_line = f"| sslyze 6 (--tlsv1 … --tlsv1_3 --certinfo) | {sslyze_all:.2f} s | {sslyze_single:.2f} s | |"
        agreement = (
            f"Accepted protocol versions agree with sslyze on {same} of {total} endpoints."
            + (f" Differences: ports {', '.join(differences[:10])}." if differences else "")
        )
    lines.insert(
        4,
        f"| Seawall `tls` (versions, TLS 1.2 suites, certificate, HSTS, grade) | {statistics.median(seawall_runs):.2f} s | {seawall_single:.2f} s | < 10 s for 100 |",
    )
    lines.append(sslyze_line)
    lines += [
        "",
        agreement,
        "",
        "Grades per profile: "
        + "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in grades.items()),
        "sslyze reports facts but no grade; testssl.sh (Debian 3.0.8) grades only from 3.1 on and takes 44–90 s an endpoint, so it is not run here.",
    ]
    for _, server in servers:
        server.close()
    write_section("TLS (issue #9)", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
