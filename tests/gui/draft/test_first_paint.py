"""The card being edited looks right from the first paint after a project opens, not only after a click."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QRegion
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from cardwriter.gui.draft.card_delegate import PAD
from cardwriter.gui.draft.card_text import lay_out


def shown_lines(editor) -> list[str]:
    """The text of each line the editor lays out, as the writer reads them."""
    block, lines = editor.document().firstBlock(), []
    while block.isValid():
        layout = block.layout()
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            lines.append(block.text()[line.textStart() : line.textStart() + line.textLength()].strip())
        block = block.next()
    return lines


def painted_lines(text: str, font, width: int, spacing: float) -> list[str]:
    layout, _ = lay_out(text, font, width, spacing)
    return [
        text[layout.lineAt(n).textStart() : layout.lineAt(n).textStart() + layout.lineAt(n).textLength()].strip()
        for n in range(layout.lineCount())
    ]


def test_the_open_card_shows_every_word_from_the_first_paint(qtbot, window):
    """The editor opened with the project wrapped its text at a width it no longer had ("counting" cut off)."""
    view, editor = window.view, window.view.editor()
    qtbot.wait(50)
    text = window.session.cards[0].text
    width = view.delegate.card_rect(view.option_for(view.currentIndex()), view.currentIndex()).width() - 2 * PAD
    assert editor.viewport().width() == width
    assert shown_lines(editor) == painted_lines(text, editor.font(), width, view.delegate.line_spacing)
    assert editor.document().textWidth() == width, "text laid out as wide as it is shown"
    assert " ".join(shown_lines(editor)) == text, "no word is cut off"

    before = view.viewport().grab().toImage()
    QTest.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    qtbot.wait(50)
    editor.setCursorWidth(0)  # the caret blinks; the words must not move
    after = view.viewport().grab().toImage()
    card = editor.geometry().adjusted(-PAD, -PAD, PAD, PAD)
    assert before.copy(card) == after.copy(card) or _differs_only_by_caret(before.copy(card), after.copy(card))


def _differs_only_by_caret(a: QImage, b: QImage) -> bool:
    """At most one thin column of pixels differs (the caret at the click)."""
    columns = {x for x in range(a.width()) for y in range(a.height()) if a.pixel(x, y) != b.pixel(x, y)}
    return len(columns) <= 2


def test_the_card_under_the_editor_is_not_painted_twice(qtbot, window):
    """Under the open editor the delegate paints the card but not its words: an editor out of place
    (fonts or layout settling) shows its text once, never "TThe" over the painted one."""
    view, editor = window.view, window.view.editor()
    qtbot.wait(50)
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    view.viewport().render(image, QPoint(), QRegion(), QWidget.RenderFlag.DrawWindowBackground)  # not the editor
    inside = editor.geometry()
    base = QColor(image.pixel(inside.left() - 2, inside.top() - 2))  # the card's sheet, next to the text
    inked = [
        (x, y)
        for x in range(inside.left(), inside.right(), 2)
        for y in range(inside.top(), inside.bottom(), 2)
        if QColor(image.pixel(x, y)) != base
    ]
    assert inked == [], "no painted words under the editor"
    other = view.visualRect(view.model().index(1, 0)).adjusted(PAD + 20, PAD + 10, -PAD - 20, -PAD - 10)
    assert any(
        QColor(image.pixel(x, y)) != base for x in range(other.left(), other.right(), 2) for y in (other.top() + 10,)
    ), "the other cards still show their words"
