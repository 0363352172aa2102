"""The writing font and measure: chosen in Settings, applied to the draft's cards."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontInfo

from cardwriter.gui.draft.card_delegate import PAD
from cardwriter.gui.settings.settings_dialog import SettingsDialog
from tests.gui.shell.test_main_window import editing

POEM = ("The lamp went out.", "The stairs were cold.", "The sea kept on.")


def test_cards_use_a_serif_font_by_default_and_a_measure_of_about_70_characters(qtbot, window):
    view = window.view
    assert view.font().styleHint() == QFont.StyleHint.Serif
    assert "sans" not in QFontInfo(view.font()).family().lower()  # what fontconfig gave for "serif"
    window.resize(1600, 800)
    qtbot.waitUntil(lambda: view.viewport().width() > 1000, timeout=2000)
    index = window.model.index(0)
    card = view.delegate.card_rect(view.option_for(index), index)
    assert card.width() < view.viewport().width() * 0.75, "the column keeps a readable measure"
    assert abs(card.center().x() - view.viewport().width() // 2) <= 2, "and is centred"
    window.apply_preferences(dataclasses.replace(window.prefs, line_chars=0, font_size=16.0))
    card = view.delegate.card_rect(view.option_for(index), index)
    assert card.width() >= view.viewport().width() - 40
    assert view.font().pointSizeF() == 16.0


def test_settings_dialog_keeps_font_size_and_measure(qtbot, window):
    dialog = SettingsDialog(window.prefs, window.backend.presets, window)
    qtbot.addWidget(dialog)
    dialog.writing.size.setValue(14.5)
    dialog.writing.line_chars.setValue(60)
    dialog.writing.spelling.setChecked(False)
    dialog.writing.spacing.setValue(1.8)
    prefs = dialog.preferences(window.prefs)
    assert (prefs.font_size, prefs.line_chars, prefs.spelling, prefs.writing_font) == (14.5, 60, False, "")
    assert prefs.line_spacing == 1.8
    window.apply_preferences(prefs)
    assert window.settings.preferences().line_chars == 60
    assert window.settings.preferences().line_spacing == 1.8


def test_prose_gets_some_line_spacing_by_default(window):
    assert 1.2 <= window.prefs.line_spacing <= 1.6
    assert window.view.delegate.line_spacing == window.prefs.line_spacing


def painted_ink_height(view, row: int) -> int:
    """Pixels from the top of the first painted line of a card's text to the bottom of its last."""
    index = view.card_model().index(row)
    text = view.delegate.card_rect(view.option_for(index), index).adjusted(PAD, PAD, -PAD, -PAD)
    image = view.viewport().grab(text).toImage()
    inked = [
        y
        for y in range(image.height())
        if any(QColor(image.pixel(x, y)).lightness() < 100 for x in range(0, image.width(), 2))
    ]
    return inked[-1] - inked[0]


def measure_poem(qtbot, window, spacing: float) -> tuple[int, int, int]:
    """The card holding three lines, at ``spacing``: its editor's height, then its painted card's and ink's."""
    window.apply_preferences(dataclasses.replace(window.prefs, line_spacing=spacing))
    view, first = window.view, window.session.cards[0].id
    view.go_to_card(first, 0)
    editor = editing(window)
    qtbot.waitUntil(lambda: editor.height() >= editor.needed_height() > 0, timeout=2000)
    edited = editor.height()
    view.go_to_card(window.session.cards[1].id, 0)  # the first card is painted again
    qtbot.waitUntil(lambda: view.editing_id() != first, timeout=2000)
    view.viewport().repaint()
    index = view.card_model().index(0)
    card = view.delegate.card_rect(view.option_for(index), index).height() - 2 * PAD
    return edited, card, painted_ink_height(view, 0)


def test_line_spacing_makes_a_three_line_card_taller_in_the_editor_and_when_painted(qtbot, window):
    window.resize(900, 700)
    editor = editing(window)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    for n, line in enumerate(POEM):
        if n:
            qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(editor, line)
    single = measure_poem(qtbot, window, 1.0)
    double = measure_poem(qtbot, window, 2.0)
    assert window.session.cards[0].text == "\n".join(POEM)
    assert double[0] > single[0] * 1.5, "the editor's lines spread"
    assert double[1] > single[1] * 1.5, "the painted card grows"
    assert double[2] > single[2] * 1.5, "and its painted lines spread"
    assert single[0] == single[1] and double[0] == double[1], "a card keeps its height when the writer leaves it"
