"""GUI fixtures: a real project file, real Qt widgets, and a fake or real backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.presets import AUTO, PRESETS
from cardwriter.generation.prompts import ANGLES
from cardwriter.gui.common.app_settings import AppSettings
from cardwriter.gui.common.backend import Backend
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.gui.workspace import Workspace
from cardwriter.services.draft_session import DraftSession
from cardwriter.services.note_finder import NoteFinder
from cardwriter.services.stack_filling import StackFiller
from cardwriter.storage.project import Project

TEXT = (
    "The old keeper climbed the winding stairs every evening, counting the steps aloud.\n\n"
    "Below him the sea turned grey, then black, and the gulls went quiet on the rocks.\n\n"
    "He lit the lamp and sat with his tea, listening to the wind test the windows.\n"
)


@pytest.fixture
def project_path(tmp_path) -> Path:
    path = tmp_path / "story.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Story", TEXT))
    return path


@pytest.fixture
def session(project_path):
    project = Project.open(project_path)
    yield DraftSession(project, project.drafts()[0].id)
    project.close()


@pytest.fixture
def app_settings(tmp_path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def fake_backend(generator=None, fail_load: str | None = None, embedder=None) -> Backend:
    generator = generator or FakeGenerator(delay=0.002)

    def loader_for(prefs):
        def load():
            if fail_load:
                from cardwriter.errors import UserError

                raise UserError(fail_load)
            return generator

        return load

    embedder = embedder or FakeEmbedder()
    presets = [AUTO, *PRESETS]  # as the app offers them
    return Backend(StackFiller(embedder), loader_for, presets, list(ANGLES), NoteFinder(embedder))


@pytest.fixture
def window(qtbot, app_settings, project_path):
    win = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.status.model_state() == "ready", timeout=10_000)
    yield win
    win.close()


@pytest.fixture
def workspace(qtbot, app_settings, project_path):
    """A real workspace with the story project open and its draft shown in a real view, and no window:
    what a feature's window-free tests build on. ``workspace.said`` and ``workspace.warned`` collect
    what it told the writer."""
    ws = Workspace(app_settings)
    ws.said, ws.warned = [], []
    ws.message.connect(lambda text, ms: ws.said.append(text))
    ws.warning.connect(lambda title, message: ws.warned.append((title, message)))
    ws.open_project(Project.open(project_path))
    qtbot.addWidget(ws.view)
    yield ws
    ws.close_project()


@pytest.fixture
def generation(qtbot, workspace):
    """A real generation controller following the workspace's draft, writing with the fake backend's generator."""
    from cardwriter.gui.stack.generation_controller import GenerationController

    backend = fake_backend()
    controller = GenerationController(backend.filler, backend.loader_for(workspace.prefs), workspace.prefs)
    controller.follow(workspace)
    yield controller
    controller.shutdown()


def saved_texts(path: Path) -> list[str]:
    """What is on disk, read by a fresh connection after the window let go of the file."""
    with Project.open(path) as project:
        return [c.text for c in project.load_draft(project.drafts()[0].id).cards]


@pytest.fixture
def disk_window(qtbot, app_settings, disk):
    """A window on a project on a real 2 MB disk (``full_disk.window_on_disk``)."""
    from tests.gui.full_disk import window_on_disk

    with window_on_disk(qtbot, app_settings, disk) as win:
        yield win
