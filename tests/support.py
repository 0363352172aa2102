"""Helpers shared by tests in several folders."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path


def fingerprint(path: Path) -> str:
    """A hash of a file's bytes, to show it was left exactly as it was."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_as_unprivileged(code: str) -> subprocess.CompletedProcess:
    """Run Python code without root's power to ignore file permissions.

    Root can write to read-only files, so as root the child drops every
    capability (util-linux's setpriv) and meets permissions as a user would.
    """
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        command = ["setpriv", "--inh-caps=-all", "--bounding-set=-all", *command]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd="/",
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        timeout=60,
    )


# The project's public-domain dev paragraphs: shared/ sits beside the repository (as in CI).
DEV_PARAGRAPHS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_paragraphs.jsonl"
