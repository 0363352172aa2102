"""The window on a project on a real small disk, as the save-failure tests use it.

``test_save_guard.py`` and ``test_recovery_dialog.py`` both fill the disk under
an open window; each declares its ``disk`` and ``disk_window`` fixtures over
these helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.common.app_settings import AppSettings
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import TEXT, fake_backend
from tests.gui.shell.test_main_window import editing

TYPED = " The lamp went out, and he sat in the dark."


@contextmanager
def window_on_disk(qtbot, app_settings: AppSettings, disk: Path) -> Iterator[MainWindow]:
    """The window on a project on ``disk``; any filler is removed before it closes."""
    path = disk / "story.cardwriter"
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Story", TEXT))
    win = MainWindow(app_settings, fake_backend(), path)  # closed here, not by qtbot: the disk must have room first
    win.show()
    qtbot.waitUntil(lambda: win.status.model_state() == "ready", timeout=10_000)
    win.save_guard.timer.setInterval(150)  # retry quickly (the app waits a few seconds)
    try:
        yield win
    finally:
        for filler in disk.glob("filler*"):
            filler.unlink()
        win.close()


def type_at_end(qtbot, win: MainWindow, text: str) -> None:
    editor = editing(win)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, text)
