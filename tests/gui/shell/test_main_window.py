"""The window with real widgets, a real project file, and a fake generator and embedder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.domain.model import VariantKind
from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.gui.stack.generation_controller import DROPPED_MESSAGES, Verdict
from cardwriter.services.sample_project import sample_folder
from tests.gui.conftest import fake_backend, saved_texts


def editing(window) -> CardEditor:
    """The one card editor open in the window."""
    found = [e for e in window.view.findChildren(CardEditor) if e.isVisible()]
    assert len(found) == 1, "exactly one card is being edited"
    return found[0]


def fill(qtbot, window, card_id, kind=VariantKind.REWRITE):
    with qtbot.waitSignal(window.generation.queue.finished, timeout=20_000):
        window.generation.generate(card_id, kind, None)


def test_stack_fills_unfurls_accepts_and_undoes(qtbot, window, project_path):
    card_id = window.session.cards[0].id
    original = window.session.cards[0].text
    fill(qtbot, window, card_id)
    window.view.go_to_card(card_id)
    assert len(window.session.card(card_id).stack()) == window.prefs.variants_shown
    window.stacks.unfurl(card_id)
    panel = window.stacks.panel
    assert len(panel.cards) == 4, "the unfurled stack shows four variants"
    chosen = panel.cards[1].variant
    qtbot.mouseClick(panel.cards[1].findChild(QToolButton, "accept"), Qt.MouseButton.LeftButton)
    assert window.session.card(card_id).text == chosen.text
    window.undo()
    assert window.session.card(card_id).text == original
    window.redo()
    window.close()
    assert saved_texts(project_path)[0] == chosen.text


def test_a_result_for_a_changed_card_is_dropped(qtbot, window):
    card_id = window.session.cards[1].id
    window.generation.generate(card_id, VariantKind.REWRITE, None)
    window.model.apply_text(card_id, "The writer rewrote this paragraph meanwhile, completely.")
    expected = DROPPED_MESSAGES[Verdict.CARD_CHANGED]
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == expected, timeout=20_000)
    assert window.session.card(card_id).variants == []


def test_a_result_for_a_deleted_card_goes_nowhere(qtbot, window):
    doomed = window.session.cards[2].id
    window.generation.generate(doomed, VariantKind.REWRITE, None)
    window.view.go_to_card(doomed)
    window.view.delete_current()
    expected = DROPPED_MESSAGES[Verdict.CARD_GONE]
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == expected, timeout=20_000)
    assert all(not c.variants for c in window.session.cards)


def test_fill_all_queues_every_card_and_can_be_cancelled(qtbot, window):
    window.generation.fill_all()
    assert window.generation.queue.pending() == 3
    assert "Filling stacks" in window.status.queue_label.text()
    window.generation.cancel_all()
    qtbot.waitUntil(lambda: window.generation.queue.pending() == 0, timeout=10_000)
    window.generation.fill_all()
    # variants arrive while a job runs, and its end reaches the window by a queued signal after the
    # queue counts it done: wait for both
    qtbot.waitUntil(
        lambda: window.generation.queue.pending() == 0 and all(c.stack() for c in window.session.cards),
        timeout=30_000,
    )


def test_pausing_on_a_paragraph_fills_its_stack(qtbot, window):
    editor = editing(window)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " The lamp flickered.")
    card_id = window.view.current_card_id()
    qtbot.waitUntil(lambda: bool(window.session.card(card_id).stack()), timeout=20_000)


def test_writing_goes_on_when_the_model_fails_to_load(qtbot, app_settings, project_path):
    win = MainWindow(app_settings, fake_backend(fail_load="model.gguf is not a GGUF file"), project_path)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.status.model_state() == "failed", timeout=10_000)
    assert "failed" in win.status.model_label.text() and "not a GGUF" in win.status.model_label.toolTip()
    win.model.apply_text(win.session.cards[0].id, "Still writing.")
    with qtbot.waitSignal(win.generation.queue.failed, timeout=10_000):
        win.generation.generate(win.session.cards[0].id, VariantKind.REWRITE, None)
    assert "not a GGUF" in win.statusBar().currentMessage()
    win.close()
    assert saved_texts(project_path)[0] == "Still writing."


def test_import_export_and_save_as(qtbot, window, tmp_path):
    source = tmp_path / "chapter.md"
    source.write_text("# Chapter\n\nA new chapter begins.\n")
    window.project_actions.import_file(source)
    assert [c.text for c in window.session.cards] == ["# Chapter", "A new chapter begins."]
    out = tmp_path / "out.md"
    assert window.project_actions.export_to(out, "md")
    assert out.read_text() == source.read_text()
    copy = tmp_path / "copy.cardwriter"
    assert window.project_actions.save_as(copy)
    assert Path(window.project.path) == copy
    assert [c.text for c in window.session.cards] == ["# Chapter", "A new chapter begins."]


def test_save_as_never_overwrites_a_file_and_keeps_working_in_the_project(qtbot, window, tmp_path):
    other = tmp_path / "other.cardwriter"
    other.write_bytes(b"someone else's file")
    before = Path(window.project.path)
    assert not window.project_actions.save_as(other)
    assert "save a copy" in window.last_warning and "already exists" in window.last_warning
    assert other.read_bytes() == b"someone else's file"
    assert Path(window.project.path) == before
    assert not window.project_actions.save_as(tmp_path / "no such folder" / "copy.cardwriter")
    assert "does not exist" in window.last_warning
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "no temporary file left"


def test_bad_import_is_refused_with_a_message(qtbot, window, tmp_path):
    bad = tmp_path / "photo.md"
    bad.write_bytes(b"\x89PNG\x00\x00")
    window.project_actions.import_file(bad)
    assert "binary" in window.last_warning
    assert len(window.project.drafts()) == 1


def test_opening_a_damaged_project_says_so(qtbot, app_settings, tmp_path):
    broken = tmp_path / "broken.cardwriter"
    broken.write_text("not a project")
    win = MainWindow(app_settings, fake_backend(), broken)
    qtbot.addWidget(win)
    assert "not a Cardwriter project" in win.last_warning
    assert win.project is None and broken.read_text() == "not a project"
    win.close()


def test_fits_a_laptop_with_a_full_stack_unfurled(qtbot, window):
    card_id = window.session.cards[0].id
    fill(qtbot, window, card_id)
    width = window.width()
    window.stacks.unfurl(card_id)
    panel = window.stacks.panel
    assert len(panel.cards) == 4
    qtbot.wait(50)
    assert window.width() == width, "unfurling never makes the window wider"
    window.resize(1000, 640)
    qtbot.waitUntil(lambda: window.width() == 1000 and window.height() == 640, timeout=3000)
    qtbot.waitUntil(lambda: panel.geometry().right() < window.view.viewport().width(), timeout=3000)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert minimum.width() <= 1000 and minimum.height() <= 640, minimum
    assert panel.minimumSizeHint().width() <= panel.width(), "the stack's header and cards fit the column"
    assert all(card.geometry().right() <= panel.width() for card in panel.cards)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: len({c.geometry().top() for c in panel.cards}) == 1, timeout=3000)  # side by side


def test_the_notes_panel_collapses_and_stays_collapsed(qtbot, app_settings, project_path):
    win = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(win)
    win.show()
    dock = win.note_actions.dock
    assert dock.isVisible()
    dock.toggleViewAction().trigger()  # View ▸ Notes (or the dock's close button)
    assert not dock.isVisible()
    win.close()
    again = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(again)
    again.show()
    assert not again.note_actions.dock.isVisible(), "still collapsed at the next start"
    again.note_actions.dock.toggleViewAction().trigger()
    assert again.note_actions.dock.isVisible() and app_settings.panel_visible("notes")
    again.close()


def test_first_run_says_what_to_do_and_the_sample_project_opens_as_a_copy(qtbot, app_settings, tmp_path):
    win = MainWindow(app_settings, fake_backend(), tmp_path / "first.cardwriter")
    qtbot.addWidget(win)
    win.show()
    assert editing(win).placeholderText().startswith("Write a paragraph here")
    win.menu.open_sample.trigger()  # Help ▸ Open Sample Project
    assert Path(win.project.path).parent == sample_folder()
    filled = [c for c in win.session.cards if c.stack()]
    assert len(filled) >= 3 and len(win.notes_panel.model.all_notes()) >= 3
    index = win.model.index_of_card(filled[0].id)
    assert not win.view.delegate.peek_rect(win.view.option_for(index), index).isNull(), "its stacks peek out"
    win.close()


def test_the_first_card_opens_with_its_text_inside_the_card(qtbot, app_settings, project_path):
    """The editor opens after every feature has set up the new draft (fonts, measure): its text wraps at
    the card's width, so no letter is cut off at the edge ("e lamp had been…") until the writer clicks."""
    win = MainWindow(app_settings, fake_backend(), project_path)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    editor = editing(win)
    qtbot.waitUntil(lambda: editor.viewport().width() > 0)
    assert editor.document().textWidth() == editor.viewport().width()
    assert editor.horizontalScrollBar().value() == 0
    win.close()
