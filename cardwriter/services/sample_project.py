"""The sample project a newcomer can open from Help: a short draft with notes and filled stacks.

It ships as a JSON project export in ``cardwriter/resources`` (written once
with the real default model by ``scripts/make_sample_project.py``) and is
opened as a fresh copy in the user's data folder, so the bundled file is
never written to and every opening starts from the same sample.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from cardwriter.services import transfer
from cardwriter.storage.project import Project
from cardwriter.storage.project_file import SUFFIX

SAMPLE_JSON = Path(__file__).resolve().parent.parent / "resources" / "sample_project.json"
SAMPLE_NAME = "Sample project"


def sample_folder() -> Path:
    return Path(platformdirs.user_data_dir("cardwriter", appauthor=False)) / "samples"


def make_sample_copy(folder: Path | None = None, source: Path = SAMPLE_JSON) -> Path:
    """A new project file in ``folder`` filled from the bundled sample; its path (never an existing file)."""
    folder = Path(folder) if folder is not None else sample_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / f"{SAMPLE_NAME}{SUFFIX}", 1
    while path.exists() or path.with_name(path.name + "-wal").exists():
        n += 1
        path = folder / f"{SAMPLE_NAME} {n}{SUFFIX}"
    project = Project.create(path)
    try:
        transfer.import_project_json(project, source)
    except BaseException:
        project.close()
        path.unlink(missing_ok=True)
        raise
    project.close()
    return path
