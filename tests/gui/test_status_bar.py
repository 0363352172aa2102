"""The status bar's word counts, in a real window with a real project file, as the writer types."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cardwriter.gui.card_editor import CardEditor


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
