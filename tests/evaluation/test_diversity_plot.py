"""The diversity report's chart, and its message when matplotlib (an optional extra) is missing."""

from __future__ import annotations

import sys

import pytest

from cardwriter.errors import UserError
from cardwriter.evaluation.diversity_plot import plot
from tests.evaluation.diversity_fakes import run


def test_plot_writes_a_png(tmp_path):
    path = plot(run(), tmp_path / "charts" / "diversity.png")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    with pytest.raises(UserError, match="PNG"):
        plot(run(presets=("neutral",)), tmp_path / "diversity.svg")


def test_without_matplotlib_the_chart_is_a_message_naming_the_extra(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(UserError, match=r"cardwriter\[eval\]"):
        plot(run(presets=("neutral",)), tmp_path / "chart.png")
    assert not (tmp_path / "chart.png").exists()
