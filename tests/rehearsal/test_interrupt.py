"""Ctrl-C during `coach rehearse`: a real process, a real SIGINT mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli.rehearse import _write_atomically


def _wait_for_run(tmp: Path, proc: subprocess.Popen[str], timeout: float = 60.0) -> Path:
    """The rehearsal's own temporary database exists: the simulation is under way (not still importing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(tmp.glob("coach-rehearsal-*/coach.db"))
        if found:
            return found[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the rehearsal never started")


def test_ctrl_c_mid_run_stops_promptly_says_so_and_leaves_no_report(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text('{"earlier": true}\n')  # an earlier run's report, reused with --force
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "rehearse", "--people", "300", "--weeks", "6", "--out", str(out), "--force"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    db = _wait_for_run(tmp, proc)
    time.sleep(1.0)  # a few simulated hours in: people, waves, the worker are all running
    assert proc.poll() is None, "finished before it could be interrupted"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    took = time.monotonic() - sent

    assert proc.returncode == 130, (stdout, stderr)
    assert took < 10, took
    assert stderr.strip().splitlines()[-1] == "coach rehearse: stopped (Ctrl-C); no report was written."
    assert "Traceback" not in stderr + stdout
    assert not (out / "report.json").exists()  # neither the earlier one nor half of this one
    assert not (out / "report.html").exists()
    assert list(out.iterdir()) == []
    assert not db.exists()  # the temporary database went with its directory


def test_report_files_are_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old")
    _write_atomically(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no partial file left beside it
