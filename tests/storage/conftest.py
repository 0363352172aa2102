from __future__ import annotations

from pathlib import Path

import pytest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.storage.project import Project


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
