"""A painted card lays out its paragraph exactly as the card editor does, at any line spacing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from cardwriter.gui.common.text_marks import FIND
from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.gui.draft.card_text import DEFAULT_SPACING, draw_text, text_height

TEXTS = [
    "One short line.",
    "The old keeper climbed the winding stairs every evening, counting the steps aloud, " * 3,
    "A line\nbroken by hand (Shift+Enter)\n\nand a blank line before this one.",
    "",
]


def ink_rows(image: QImage) -> list[int]:
    """The pixel rows of ``image`` where something dark was painted."""
    return [
        y
        for y in range(image.height())
        if any(QColor(image.pixel(x, y)).lightness() < 128 for x in range(0, image.width(), 2))
    ]


def drawn_rows(image: QImage) -> list[int]:
    """The pixel rows of ``image`` where anything differs from its background (its top-left pixel)."""
    background = image.pixel(0, 0)
    return [y for y in range(image.height()) if any(image.pixel(x, y) != background for x in range(image.width()))]


def painted(text: str, spacing: float, marks=(), width: int = 360) -> QImage:
    font = QFont("serif")
    font.setPointSizeF(12)
    return painted_with(text, font, width, spacing, marks)


def painted_with(text: str, font: QFont, width: int, spacing: float = DEFAULT_SPACING, marks=()) -> QImage:
    image = QImage(width, text_height(text, font, width, spacing) + 4, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setPen(Qt.GlobalColor.black)
    draw_text(painter, QRect(0, 0, width, image.height()), font, text, spacing, list(marks))
    painter.end()
    return image


@pytest.mark.parametrize("spacing", [1.0, 1.4, 2.0])
def test_a_painted_card_is_exactly_as_tall_as_its_editor(qtbot, spacing):
    editor = CardEditor()
    qtbot.addWidget(editor)
    font = QFont("serif")
    font.setPointSizeF(13.5)
    editor.setFont(font)
    editor.resize(420, 200)
    editor.show()
    editor.set_line_spacing(spacing)
    for text in TEXTS:
        editor.setPlainText(text)
        assert editor.toPlainText() == text
        assert editor.needed_height() == text_height(text, font, editor.viewport().width(), spacing), repr(text)


def test_the_spacing_survives_new_text_and_stays_out_of_the_editors_undo(qtbot):
    editor = CardEditor()
    qtbot.addWidget(editor)
    editor.resize(300, 100)
    editor.show()
    editor.set_line_spacing(1.0)
    editor.setPlainText("First\nSecond\nThird")
    single = editor.needed_height()
    editor.set_line_spacing(2.0)
    double = editor.needed_height()
    editor.setPlainText("First\nSecond\nThird")  # a reset keeps the spacing
    assert editor.needed_height() == double > single
    assert not editor.document().isUndoAvailable(), "Ctrl+Z in the card must not undo the spacing"


def test_wider_spacing_spreads_the_painted_lines():
    text = "The lamp.\nThe stairs.\nThe sea."
    single, double = ink_rows(painted(text, 1.0)), ink_rows(painted(text, 2.0))
    assert single and double
    assert double[-1] - double[0] > (single[-1] - single[0]) * 1.5
    assert double[0] == single[0], "the first line starts at the same place"


def test_marks_are_painted_on_their_own_words_after_a_line_break():
    text = "plain words here\nsea"
    image = painted(text, 1.4, [(len("plain words here\n"), len(text), FIND)])
    highlighted = {
        y
        for y in range(image.height())
        for x in range(0, 60)
        if QColor(image.pixel(x, y)).red() > 200 and QColor(image.pixel(x, y)).blue() < 150
    }
    assert highlighted, "the match is highlighted"
    rows = ink_rows(painted("plain words here", 1.4))
    assert min(highlighted) > rows[-1], "on the second line, where the word is, not the first"


def test_pasted_lines_stay_in_the_cards_one_block_and_keep_their_spacing(qtbot):
    editor = CardEditor()
    qtbot.addWidget(editor)
    editor.resize(300, 100)
    editor.show()
    editor.set_line_spacing(2.0)
    pasted = QMimeData()
    pasted.setText("Roses are red,\r\nviolets are blue,\nsugar is sweet.")
    editor.insertFromMimeData(pasted)
    text = "Roses are red,\nviolets are blue,\nsugar is sweet."
    assert editor.toPlainText() == text
    assert editor.document().blockCount() == 1
    assert editor.needed_height() == text_height(text, editor.font(), editor.viewport().width(), 2.0)


def test_an_empty_card_is_as_tall_as_its_hint_and_shrinks_to_its_text(qtbot):
    hint = "Write a paragraph here. Pause, and variants of it gather underneath: click them to compare."
    editor = CardEditor()
    qtbot.addWidget(editor)
    editor.resize(300, 100)
    editor.show()
    one_line = editor.needed_height()
    editor.setPlaceholderText(hint)
    assert editor.needed_height() == text_height(hint, editor.font(), editor.viewport().width(), DEFAULT_SPACING)
    assert editor.needed_height() > one_line, "the hint wraps onto a second line at this width"
    editor.resize(300, editor.needed_height())
    shown = drawn_rows(editor.grab().toImage())
    expected = drawn_rows(painted_with(hint, editor.font(), editor.viewport().width()))
    assert shown and max(shown) == max(expected), "the hint's last line is drawn whole, as a painted card draws it"
    editor.setPlainText("Short.")
    assert editor.needed_height() == one_line
