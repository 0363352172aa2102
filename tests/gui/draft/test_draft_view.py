"""Writing in the column of cards with real key presses."""

from __future__ import annotations

import contextlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.storage.project import Project


@pytest.fixture
def view(qtbot, session):
    stack = QUndoStack()
    view = DraftView(CardListModel(session), stack)
    view.resize(700, 600)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.go_to_card(session.cards[0].id, 0)
    view.undo_stack_ref = stack
    return view


def editor(view) -> CardEditor:
    found = [e for e in view.findChildren(CardEditor) if e.isVisible()]
    assert len(found) == 1, "exactly one card is being edited"
    return found[0]


def disk(session):
    return [c.text for c in session.project.load_draft(session.draft.id).cards]


def test_typing_is_saved_after_a_pause_as_one_undo_step(qtbot, view, session):
    ed = editor(view)
    ed.place_cursor_at_end()
    qtbot.keyClicks(ed, " Then he rested.")
    qtbot.waitUntil(lambda: disk(session)[0].endswith("Then he rested."), timeout=3000)
    assert view.undo_stack_ref.count() == 1
    view.undo_stack_ref.undo()
    assert disk(session)[0].endswith("counting the steps aloud.")


def test_enter_splits_and_backspace_at_start_merges(qtbot, view, session):
    ed = editor(view)
    ed.place_cursor(len("The old keeper climbed the winding stairs every evening,"))
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    assert disk(session)[:2] == [
        "The old keeper climbed the winding stairs every evening,",
        " counting the steps aloud.",
    ]
    ed = editor(view)
    assert view.current_card_id() == session.cards[1].id and ed.textCursor().position() == 0
    qtbot.keyClick(ed, Qt.Key.Key_Backspace)
    assert disk(session)[0] == "The old keeper climbed the winding stairs every evening, counting the steps aloud."
    assert len(disk(session)) == 3
    assert editor(view).textCursor().position() == len("The old keeper climbed the winding stairs every evening,")


def test_shift_enter_keeps_a_line_break_inside_the_card(qtbot, view, session):
    ed = editor(view)
    ed.place_cursor_at_end()
    qtbot.keyClick(ed, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(ed, "New line.")
    view.save_typing()
    assert len(disk(session)) == 3
    assert disk(session)[0].endswith("aloud.\nNew line."), "a plain line break inside the card"


def test_arrow_keys_move_between_cards(qtbot, view, session):
    first = session.cards[0].id
    ed = editor(view)
    qtbot.keyClick(ed, Qt.Key.Key_Down)  # a one-line card: down leaves it at once
    if view.current_card_id() == first:  # the paragraph wrapped: walk to its last line
        for _ in range(5):
            qtbot.keyClick(editor(view), Qt.Key.Key_Down)
    assert view.current_card_id() == session.cards[1].id
    qtbot.keyClick(editor(view), Qt.Key.Key_Up)  # at the first line, up goes back to the card above
    assert view.current_card_id() == first


def test_the_editor_grows_as_a_six_line_paragraph_is_typed(qtbot, view, session):
    ed = editor(view)
    ed.selectAll()
    qtbot.keyClick(ed, Qt.Key.Key_Delete)
    heights = []
    for n in range(6):
        if n:
            qtbot.keyClick(ed, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(ed, f"Line {n + 1} of the keeper's paragraph.")
        needed = ed.needed_height()
        qtbot.waitUntil(lambda needed=needed: ed.height() >= needed, timeout=2000)  # every line on show while typing
        heights.append(ed.height())
        assert ed.verticalScrollBar().value() == 0, "nothing scrolled out of sight"
    assert heights == sorted(heights) and heights[-1] >= 6 * ed.fontMetrics().lineSpacing()
    row = view.card_model().index(0)
    below = view.card_model().index(1)
    assert view.visualRect(below).top() >= view.visualRect(row).top() + heights[-1], "the card below moved down"


def test_a_long_wrapping_line_grows_the_editor_too(qtbot, view):
    ed = editor(view)
    ed.place_cursor_at_end()
    start = ed.height()
    qtbot.keyClicks(ed, " and the wind kept on testing the windows of the lamp room" * 6)
    qtbot.waitUntil(lambda: ed.height() >= ed.needed_height() > start, timeout=2000)


# -- typing reaches the file while the writer keeps typing ------------------------------

SENTENCE = "The keeper wrote in the log that the night was calm and the light burned true. "
LATEST_S = 1.0  # typed this long ago: already in the file


def file_text(path: Path, card_id: str, scratch: Path) -> str:
    """The card's text as the project file holds it now: what a crash right now would leave.

    The open project holds its file exclusively, so the file and its -wal are
    copied as they are on disk and read from a separate connection.
    """
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for suffix in ("", "-wal"):
        if Path(f"{path}{suffix}").exists():
            shutil.copyfile(f"{path}{suffix}", scratch / f"copy{suffix}")
    with contextlib.closing(sqlite3.connect(scratch / "copy")) as conn:
        return conn.execute("SELECT text FROM cards WHERE id = ?", [card_id]).fetchone()[0]


def test_continuous_typing_reaches_the_file_within_a_second(qtbot, view, session, tmp_path):
    card, path, scratch = session.cards[0], Path(session.project.path), tmp_path / "scratch"
    ed = editor(view)
    ed.place_cursor_at_end()
    typed: list[tuple[float, str]] = []  # when each keystroke was typed, and the card's text after it
    start = time.monotonic()
    for ch in (SENTENCE * 2)[:30]:  # a key every 100 ms for 3 s, never pausing long enough to save
        qtbot.keyClicks(ed, ch)
        typed.append((time.monotonic(), ed.toPlainText()))
        qtbot.wait(100)
        now, saved = time.monotonic(), file_text(path, card.id, scratch)
        due = [text for at, text in typed if at <= now - LATEST_S]
        if due:
            assert saved.startswith(due[-1]), f"typed {now - start:.1f} s in: what was typed a second ago is missing"
    assert time.monotonic() - start >= 2.8, "a stretch of about 3 s (Qt timers may fire a few ms early)"
    assert typed[-1][1].startswith(file_text(path, card.id, scratch))
    assert view.undo_stack_ref.count() == 1, "still one undo step for the whole stretch of typing"


TYPIST = textwrap.dedent(
    """
    import sys

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from cardwriter.gui.draft.card_model import CardListModel
    from cardwriter.gui.draft.draft_view import DraftView
    from cardwriter.services.draft_session import DraftSession
    from cardwriter.storage.project import Project

    app = QApplication([])
    project = Project.open(sys.argv[1])
    session = DraftSession(project, project.drafts()[0].id)
    view = DraftView(CardListModel(session), QUndoStack())
    view.resize(700, 600)
    view.show()
    view.go_to_card(session.cards[0].id, -1)
    text, typed = sys.argv[2], 0

    def key():
        global typed
        QTest.keyClicks(view.editor(), text[typed])
        typed += 1
        print(typed, flush=True)

    timer = QTimer(interval=50)
    timer.timeout.connect(key)
    timer.start()
    app.exec()
    """
)


@pytest.mark.slow
def test_a_writer_typing_on_when_the_app_is_killed_loses_at_most_the_last_second(project_path):
    """The real view and save path in a child process, a key every 50 ms, killed with SIGKILL mid-sentence."""
    with Project.open(project_path) as project:
        card = project.load_draft(project.drafts()[0].id).cards[0]
    text = SENTENCE * 3
    child = subprocess.Popen([sys.executable, "-c", TYPIST, str(project_path), text], stdout=subprocess.PIPE, text=True)
    typed_at: list[float] = []  # when the child had typed 1, 2, ... characters
    assert child.stdout is not None
    for line in child.stdout:
        typed_at.append(time.monotonic())
        assert int(line) == len(typed_at)
        if typed_at[-1] - typed_at[0] >= 3.0:
            break
    child.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    child.wait(timeout=30)
    child.stdout.close()

    with Project.open(project_path) as project:
        saved = project.card(card.id).text
        assert project.integrity_check() == "ok"
    due = sum(at <= killed - LATEST_S for at in typed_at)
    assert due >= 30, "the child typed for seconds before it was killed"
    assert (card.text + text[: len(typed_at)]).startswith(saved)
    assert saved.startswith(card.text + text[:due]), (
        f"{len(saved) - len(card.text)} of {due} characters typed over a second before the kill were saved"
    )
