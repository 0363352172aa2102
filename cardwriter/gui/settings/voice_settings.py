"""The Settings dialog's voice fields: "Keep my voice" and the voice meter's warning threshold.

Kept apart from settings_dialog.py, like ``writing_settings``: ``add_rows`` puts
the widgets in the dialog's form, ``values`` gives the Preferences fields they set.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout

from cardwriter.gui.common.app_settings import Preferences


class VoiceSettings:
    def __init__(self, prefs: Preferences):
        self.keep_my_voice = QCheckBox("Keep my voice")
        self.keep_my_voice.setToolTip(
            "Pick each stack's variants with their closeness to your own paragraphs as a third reason, "
            "beside staying on topic and differing from each other"
        )
        self.keep_my_voice.setChecked(prefs.keep_my_voice)
        self.threshold = QDoubleSpinBox(minimum=0.5, maximum=5.0, singleStep=0.1, decimals=1)
        self.threshold.setValue(prefs.voice_threshold)
        self.threshold.setSuffix(" × your own spread")
        self.threshold.setToolTip(
            "Warn when the model's words in a draft sit this far from your voice; 1.0 is as far as your own "
            "paragraphs are from each other"
        )

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow("", self.keep_my_voice)
        form.addRow("Voice warning at", self.threshold)

    def values(self) -> dict:
        return {"keep_my_voice": self.keep_my_voice.isChecked(), "voice_threshold": round(self.threshold.value(), 1)}
