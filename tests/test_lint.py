"""The code passes its linter, its formatter and its type checker, as configured in pyproject.toml.

Both run as the installed tools of this environment (the ``test`` extra pins
them), on the whole package, from the project's root so that they read its
configuration. A failure prints what they found.
"""

import subprocess
import sys
from pathlib import Path

import pytest

import cardwriter

ROOT = Path(cardwriter.__file__).parent.parent
TOOLS = Path(sys.executable).parent


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TOOLS / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing():
    result = run_tool("ruff", "check", "--no-fix", "cardwriter", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_would_change_nothing():
    result = run_tool("ruff", "format", "--check", "cardwriter", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing():
    # Its files and options come from [tool.mypy]; a first run without a cache takes a minute or more.
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
