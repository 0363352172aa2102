from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.storage.project import Project


def fingerprint(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def project_path(tmp_path) -> Path:
    """A closed project holding one three-card draft."""
    path = tmp_path / "novel.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Novel", "One.\n\nTwo.\n\nThree.\n"))
    return path


@pytest.fixture
def own_folder(tmp_path) -> Path:
    folder = tmp_path / "own"
    folder.mkdir()
    return folder


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
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=60,
    )
