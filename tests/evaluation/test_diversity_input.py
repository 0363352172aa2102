"""Reading the diversity report's paragraphs from JSON Lines."""

from __future__ import annotations

import pytest

from cardwriter.errors import UserError
from cardwriter.evaluation.diversity_input import Paragraph, load_paragraphs


def test_loading_paragraphs(tmp_path):
    good = tmp_path / "p.jsonl"
    good.write_text('{"id": "x1", "text": "One."}\n\n"Two."\n{"text": "Three."}\n', encoding="utf-8")
    assert load_paragraphs(good) == [Paragraph("x1", "One."), Paragraph("3", "Two."), Paragraph("4", "Three.")]
    assert len(load_paragraphs(good, limit=2)) == 2
    bad = tmp_path / "bad.jsonl"
    for content, message in (
        ("not json\n", "line 1: not JSON"),
        ('{"txt": "x"}\n', 'non-empty "text"'),
        ("\n", "no paragraphs"),
    ):
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(UserError, match=message):
            load_paragraphs(bad)
    with pytest.raises(UserError, match="does not exist"):
        load_paragraphs(tmp_path / "missing.jsonl")
