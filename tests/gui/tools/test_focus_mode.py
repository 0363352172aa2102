"""Focus mode in a real window over a long draft."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import fake_backend


def long_project(tmp_path):
    path = tmp_path / "long.cardwriter"
    text = "\n\n".join(f"Paragraph {n}: the keeper climbed the stairs and counted every step aloud." for n in range(40))
    with Project.create(path) as project:
        project.add_draft(draft_from_text("Long", text + "\n"))
    return path


def trigger(window, keys):
    action = next(
        a for a in window.menuBar().findChildren(type(window.menu.focus_mode)) if QKeySequence(keys) in a.shortcuts()
    )
    action.trigger()


def test_focus_mode_hides_panels_centres_the_card_and_restores(qtbot, app_settings, tmp_path):
    window = MainWindow(app_settings, fake_backend(), long_project(tmp_path))
    qtbot.addWidget(window)
    window.show()
    notes = window.note_actions.dock
    assert notes.isVisible() and window.statusBar().isVisible()
    window.view.go_to_card(window.session.cards[20].id, -1)
    trigger(window, "F11")
    focus = window.tools.focus
    assert focus.active and window.isFullScreen()
    assert not notes.isVisible() and not window.statusBar().isVisible()
    assert window.view.delegate.dim_others
    QTest.keyClicks(window.view.editor(), " More words.")
    qtbot.waitUntil(lambda: abs(focus.cursor_offset_from_middle()) <= 12, timeout=2000)
    # the first card can be held in the middle too
    window.view.go_to_card(window.session.cards[0].id, 0)
    QTest.keyClicks(window.view.editor(), "A ")
    qtbot.waitUntil(lambda: abs(focus.cursor_offset_from_middle()) <= 12, timeout=2000)
    QTest.keyClick(window.view.editor(), Qt.Key.Key_Escape)  # Esc leaves
    assert not focus.active and not window.isFullScreen()
    assert notes.isVisible() and window.statusBar().isVisible()
    assert not window.view.delegate.dim_others and window.view.delegate.focus_pad == 0
    trigger(window, "F11")
    trigger(window, "F11")  # F11 leaves too
    assert not focus.active and notes.isVisible()
    window.close()
