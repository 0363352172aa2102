"""The Settings dialog's writing fields: spelling, and the writing font and measure.

Kept apart from settings_dialog.py (which holds the model and generation
fields): ``add_rows`` puts the widgets in the dialog's form, ``values`` gives
the Preferences fields they set.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout

from cardwriter.services.spell_checker import languages


class WritingSettings:
    def __init__(self, prefs):  # noqa: ANN001 - Preferences
        self.spelling = QCheckBox("Check spelling as I type")
        self.spelling.setChecked(prefs.spelling)
        self.language = QComboBox()
        for code, name in languages().items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.spelling_language)))
        self.spelling.toggled.connect(self.language.setEnabled)
        self.language.setEnabled(prefs.spelling)

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow("", self.spelling)
        form.addRow("Spelling language", self.language)

    def values(self) -> dict:
        return {"spelling": self.spelling.isChecked(), "spelling_language": self.language.currentData()}
