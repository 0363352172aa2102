"""One whole session with the real default model and the real embedder: write, fill, accept, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from cardwriter.app import build_backend
from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.gui.shell.main_window import MainWindow
from cardwriter.storage.project import Project
from tests.gui.conftest import saved_texts

PARAGRAPH = "The harbour was quiet at dawn, and the fishing boats rocked gently while the old captain mended his nets."


@pytest.mark.slow
def test_write_fill_unfurl_accept_undo_with_the_real_model(qtbot, app_settings, tmp_path):
    path = tmp_path / "harbour.cardwriter"
    Project.create(path).close()
    prefs = app_settings.preferences()
    prefs.variants_shown = 3
    app_settings.save_preferences(prefs)
    window = MainWindow(app_settings, build_backend(), path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.status.model_state() == "ready", timeout=60_000)
    assert "SmolLM2" in window.status.model_label.text()

    editor = [e for e in window.view.findChildren(CardEditor) if e.isVisible()][0]
    qtbot.keyClicks(editor, PARAGRAPH)
    card_id = window.view.current_card_id()
    # The writer pauses: the stack fills in the background, its peek counting the candidates written.
    progress = []
    window.generation.queue.progress.connect(lambda key, done, total: progress.append((done, total)))
    # variants join the stack as they pass the filters; the fill is over when the queue is idle
    qtbot.waitUntil(
        lambda: bool(window.session.card(card_id).stack()) and window.generation.queue.pending() == 0,
        timeout=180_000,
    )
    stack = window.session.card(card_id).stack()
    assert 1 <= len(stack) <= 3
    assert len({v.text for v in stack}) == len(stack), "no two variants alike"
    assert all(v.text.strip() and v.text != PARAGRAPH for v in stack)
    assert all(v.provenance.model.startswith("SmolLM2") for v in stack)
    # the peek counted the candidates one by one as they finished (the fill may stop before the last)
    done = [d for d, _total in progress]
    assert len(progress) >= 2 and done == list(range(done[0], done[0] + len(done))), progress
    assert all(d <= total for d, total in progress)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.write_in(card_id)
    qtbot.keyClick(window.view.editor(), Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)  # unfurl
    panel = window.stacks.panel
    assert panel is not None and panel.isVisible() and panel.cards
    chosen = panel.cards[0].variant
    accept = panel.cards[0].findChild(QToolButton, "accept")
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    assert window.session.card(card_id).text == chosen.text
    window.undo()
    assert window.session.card(card_id).text == PARAGRAPH
    window.close()

    assert saved_texts(path) == [PARAGRAPH]
    with Project.open(path) as project:
        variants = project.load_draft(project.drafts()[0].id).cards[0].variants
        assert chosen.text in {v.text for v in variants}, "the accepted-then-undone variant is still in the stack"
