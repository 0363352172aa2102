"""The Settings dialog's writing fields (spelling, link cards, the writing font, line spacing and measure) and applying them.

Kept apart from settings_dialog.py (which holds the model and generation
fields): ``add_rows`` puts the widgets in the dialog's form, ``values`` gives
the Preferences fields they set.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QFontComboBox, QFormLayout, QSpinBox

from cardwriter.gui.draft.card_text import MAX_SPACING, MIN_SPACING
from cardwriter.services.spell_checker import languages


def writing_font(prefs) -> QFont:  # Preferences
    """The cards' font: the writer's choice, or the system's serif (prose reads better in one)."""
    font = QFont(prefs.writing_font) if prefs.writing_font else QFont("serif")
    if not prefs.writing_font:
        font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(max(6.0, prefs.font_size))
    return font


def measure_px(font: QFont, chars: int) -> int:
    """The width of ``chars`` average characters of ``font``; 0 (no limit) when ``chars`` is 0."""
    return QFontMetrics(font).averageCharWidth() * chars if chars > 0 else 0


def apply_to(view, prefs) -> None:  # a DraftView and Preferences
    """Set the draft's font, line spacing and measure; rows are measured again, the open editor follows."""
    font = writing_font(prefs)
    view.setFont(font)
    view.delegate.max_text_width = measure_px(font, prefs.line_chars)
    view.delegate.line_spacing = prefs.line_spacing
    if view.editor() is not None:
        view.editor().setFont(font)
        view.editor().set_line_spacing(prefs.line_spacing)
    view.scheduleDelayedItemsLayout()
    view.viewport().update()


class WritingSettings:
    def __init__(self, prefs):  # Preferences
        self.spelling = QCheckBox("Check spelling as I type")
        self.spelling.setChecked(prefs.spelling)
        self.language = QComboBox()
        for code, name in languages().items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.spelling_language)))
        self.spelling.toggled.connect(self.language.setEnabled)
        self.language.setEnabled(prefs.spelling)
        self.link_cards = QCheckBox("Offer related notes and echoes in each paragraph's stack")
        self.link_cards.setToolTip(
            "Link cards: notes close in meaning to a paragraph, and paragraphs of the project that say the same thing"
        )
        self.link_cards.setChecked(prefs.link_cards)
        self.font = QFontComboBox()
        self.font.setCurrentFont(writing_font(prefs))
        self.size = QDoubleSpinBox(minimum=6.0, maximum=48.0, singleStep=0.5, value=prefs.font_size, suffix=" pt")
        self.spacing = QDoubleSpinBox(
            minimum=MIN_SPACING, maximum=MAX_SPACING, singleStep=0.1, decimals=2, value=prefs.line_spacing
        )
        self.spacing.setToolTip("1.0 is single spacing, 2.0 double; prose reads well at about 1.4")
        self.line_chars = QSpinBox(minimum=0, maximum=200, value=prefs.line_chars, suffix=" characters")
        self.line_chars.setSpecialValueText("As wide as the window")
        self._initial_family = self.font.currentFont().family()
        self._prefs_family = prefs.writing_font

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow("", self.spelling)
        form.addRow("Spelling language", self.language)
        form.addRow("", self.link_cards)
        form.addRow("Writing font", self.font)
        form.addRow("Font size", self.size)
        form.addRow("Line spacing", self.spacing)
        form.addRow("Widest line", self.line_chars)

    def values(self) -> dict:
        family = self.font.currentFont().family()
        # Untouched, the default stays "the system's serif" rather than whichever family that was today.
        family = self._prefs_family if family == self._initial_family else family
        return {
            "spelling": self.spelling.isChecked(),
            "spelling_language": self.language.currentData(),
            "link_cards": self.link_cards.isChecked(),
            "writing_font": family,
            "font_size": self.size.value(),
            "line_spacing": self.spacing.value(),
            "line_chars": self.line_chars.value(),
        }
