"""The bundled sample project opens as a fresh copy: a draft, notes and stacks a newcomer can try at once."""

from __future__ import annotations

import hashlib

import pytest

from cardwriter.errors import UserError
from cardwriter.services.sample_project import SAMPLE_JSON, make_sample_copy, sample_folder
from cardwriter.storage.project import Project


def test_each_opening_is_a_new_copy_with_notes_and_filled_stacks(tmp_path):
    before = hashlib.sha256(SAMPLE_JSON.read_bytes()).hexdigest()
    first, second = make_sample_copy(tmp_path), make_sample_copy(tmp_path)
    assert first != second and first.parent == second.parent == tmp_path
    with Project.open(first) as project:
        (summary,) = project.drafts()
        cards = project.load_draft(summary.id).cards
        assert cards[0].text.startswith("# ") and len(cards) >= 4
        filled = [c for c in cards if c.stack()]
        assert len(filled) >= 3 and all(len(c.stack()) >= 2 for c in filled)
        assert all(v.provenance.model and v.provenance.model.startswith("SmolLM2") for c in filled for v in c.stack())
        assert len(project.notes()) >= 3
    assert hashlib.sha256(SAMPLE_JSON.read_bytes()).hexdigest() == before, "the bundled file is only read"


def test_the_default_place_is_the_user_data_folder(isolated_home):
    path = make_sample_copy()
    assert path.parent == sample_folder() and str(path).startswith(str(isolated_home / "data"))


def test_a_damaged_sample_says_so_and_leaves_no_half_project(tmp_path):
    broken = tmp_path / "sample.json"
    broken.write_text('{"format": "cardwriter-project", "version": 1, "drafts": [{"oops": 1}]}')
    with pytest.raises(UserError, match="damaged"):
        make_sample_copy(tmp_path / "out", broken)
    assert list((tmp_path / "out").iterdir()) == []
