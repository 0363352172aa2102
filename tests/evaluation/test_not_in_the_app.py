"""Evaluation is not the product: the app starts without it and without matplotlib.

Checked in a fresh interpreter, since this test session has long since imported both.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["cardwriter.app", "cardwriter.gui", "cardwriter.gui.shell.main_window", "cardwriter.cli"]
)
def test_the_app_and_the_command_line_start_without_matplotlib(module):
    check = (
        f"import {module}, sys; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'); "
        "assert not loaded, loaded"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_app_does_not_load_the_evaluation_package():
    check = "import cardwriter.app, sys; assert not [m for m in sys.modules if m.startswith('cardwriter.evaluation')]"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
