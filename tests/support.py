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


# The project's public-domain dev paragraphs, kept in the repository (benchmarks/data/README.md).
DEV_PARAGRAPHS = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "dev_paragraphs.jsonl"


# A writer of short, plain sentences, and a paragraph far from that voice (the voice meter's tests).
MINE = [
    "He walked in. The room was cold. Nobody spoke. He sat down.",
    "She left early. The car would not start. She walked home. It rained.",
    "The dog barked. Then it stopped. The street was empty again. I waited.",
    "We ate bread. The soup was thin. Nobody complained. Night came on.",
]
ORNATE = (
    "It was, I confess, with a melancholy that I could neither explain nor entirely resist, that I "
    "wandered; for the evening, which had promised so much, had dissolved into a long and wearisome silence."
)
