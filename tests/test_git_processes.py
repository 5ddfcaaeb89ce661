"""Waiting for background git processes: prompt when they exit, bounded when they hang."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import pytest

from seawall.collectors import _git as git


def _child(seconds: float, code: int = 0) -> subprocess.Popen[bytes]:
    script = f"import time, sys; time.sleep({seconds}); sys.exit({code})"
    return subprocess.Popen([sys.executable, "-c", script])


@pytest.mark.parametrize("pidfd", [True, False])
def test_a_wait_ends_when_the_process_exits_or_the_timeout_passes(
    pidfd: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not pidfd:  # what other systems take: Popen's own wait
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    quick = _child(0.2)
    assert git._exited(quick, 30)
    assert quick.poll() == 0
    assert git._exited(quick, 30)  # reaped already: still True
    hung = _child(30)
    try:
        assert not git._exited(hung, 0.1)
        assert hung.poll() is None
    finally:
        hung.kill()
        hung.wait()


def test_wait_reports_gits_complaint_and_kills_a_hung_git(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with tempfile.TemporaryFile() as errors:
        failing = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; sys.stderr.write('fatal: bad object\\n'); sys.exit(128)",
            ],
            stderr=errors,
        )
        with pytest.raises(git.GitError, match="git rev-list failed: fatal: bad object"):
            git._wait("rev-list", failing, errors)
        hung = _child(30)
        monkeypatch.setattr(git, "_exited", lambda process, timeout: False)
        started = time.monotonic()
        with pytest.raises(git.GitError, match="git log timed out"):
            git._wait("log", hung, errors)
        assert hung.returncode is not None and time.monotonic() - started < 10
