"""The status bar's word counts, in a real window with a real project file, as the writer types."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cardwriter.gui.draft.card_editor import CardEditor


def editing(window) -> CardEditor:
    found = [e for e in window.view.findChildren(CardEditor) if e.isVisible()]
    assert len(found) == 1
    return found[0]


def test_counts_show_the_card_and_the_draft_and_change_as_you_type(qtbot, window):
    label = window.status.counts_label
    # The fixture's draft: 13, 16 and 16 words; the first card is the current one.
    qtbot.waitUntil(lambda: label.text() == "Card: 13 words · Draft: 45 words", timeout=3000)
    qtbot.keyClicks(editing(window), "Two more ")
    qtbot.waitUntil(lambda: label.text() == "Card: 15 words · Draft: 47 words", timeout=3000)
    assert "Card: 15 words, 91 characters" in label.toolTip()
    # Another card: its own count; the draft's stays.
    qtbot.keyClick(editing(window), Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(editing(window), Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: label.text() == "Card: 16 words · Draft: 47 words", timeout=3000)


def test_markdown_marks_are_not_words_and_a_new_card_counts(qtbot, window):
    label = window.status.counts_label
    window.view.insert_card_below()
    qtbot.waitUntil(lambda: label.text() == "Card: 0 words · Draft: 45 words", timeout=3000)
    qtbot.keyClicks(editing(window), "# *Lighthouse* at **night**")
    qtbot.waitUntil(lambda: label.text() == "Card: 3 words · Draft: 48 words", timeout=3000)


def test_counts_go_when_the_project_closes(qtbot, window):
    label = window.status.counts_label
    qtbot.waitUntil(lambda: label.text() != "", timeout=3000)
    window.close_project()
    qtbot.waitUntil(lambda: label.text() == "", timeout=3000)


def test_at_the_narrowest_window_the_labels_fit_or_elide_and_the_voice_gauge_stays_whole(qtbot, window):
    """A long model name and a queue message must not clip each other, nor push the gauge off the edge."""
    status = window.status
    status.show_model_state("ready", "SmolLM2-135M-Instruct.Q4_1 (CPU)")
    status.show_progress("Writing variants for 1 card")
    labels = (status.counts_label, status.queue_label, status.model_label)
    qtbot.waitUntil(lambda: status.counts_label.full_text().startswith("Card:"), timeout=3000)
    gauge = window.voice.gauge
    for width in (1366, window.minimumSizeHint().width()):
        window.resize(width, 768)
        qtbot.waitUntil(lambda w=width: window.width() == w and status.width() == w, timeout=3000)
        QApplication.processEvents()
        for label in labels:
            shown = label.shown_text()
            assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width(), (width, shown)
            if shown != label.full_text():
                assert label.toolTip().startswith(label.full_text()), "the whole text in the tooltip"
        assert gauge.isVisible() and status.rect().contains(gauge.geometry()), f"the gauge is whole at {width} px"
        if width == 1366:
            assert [label.shown_text() for label in labels] == [label.full_text() for label in labels]
    assert window.width() < 700, "narrower than a model name made the window before"
    assert any(label.is_shortened() for label in labels)
