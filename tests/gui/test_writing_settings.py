"""The writing font and measure: chosen in Settings, applied to the draft's cards."""

from __future__ import annotations

import dataclasses

from PySide6.QtGui import QFont, QFontInfo

from cardwriter.gui.settings_dialog import SettingsDialog


def test_cards_use_a_serif_font_by_default_and_a_measure_of_about_70_characters(qtbot, window):
    view = window.view
    assert view.font().styleHint() == QFont.StyleHint.Serif
    assert "sans" not in QFontInfo(view.font()).family().lower()  # what fontconfig gave for "serif"
    window.resize(1600, 800)
    qtbot.waitUntil(lambda: view.viewport().width() > 1000, timeout=2000)
    index = window.model.index(0)
    card = view.delegate.card_rect(view._option_for(index), index)
    assert card.width() < view.viewport().width() * 0.75, "the column keeps a readable measure"
    assert abs(card.center().x() - view.viewport().width() // 2) <= 2, "and is centred"
    window.apply_preferences(dataclasses.replace(window.prefs, line_chars=0, font_size=16.0))
    card = view.delegate.card_rect(view._option_for(index), index)
    assert card.width() >= view.viewport().width() - 40
    assert view.font().pointSizeF() == 16.0


def test_settings_dialog_keeps_font_size_and_measure(qtbot, window):
    dialog = SettingsDialog(window.prefs, window.backend.presets, window)
    qtbot.addWidget(dialog)
    dialog.writing.size.setValue(14.5)
    dialog.writing.line_chars.setValue(60)
    dialog.writing.spelling.setChecked(False)
    prefs = dialog.preferences(window.prefs)
    assert (prefs.font_size, prefs.line_chars, prefs.spelling, prefs.writing_font) == (14.5, 60, False, "")
    window.apply_preferences(prefs)
    assert window.settings.preferences().line_chars == 60
