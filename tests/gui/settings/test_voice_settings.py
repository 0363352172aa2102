"""Settings ▸ "Keep my voice" and the voice warning threshold: shown, saved, and used by the window."""

from __future__ import annotations

from cardwriter.gui.common.app_settings import Preferences
from cardwriter.gui.settings.settings_dialog import SettingsDialog


def test_keep_my_voice_and_the_threshold_are_in_settings_and_persist(qtbot, app_settings):
    prefs = app_settings.preferences()
    assert not prefs.keep_my_voice and prefs.voice_threshold == 1.5
    dialog = SettingsDialog(prefs, ["balanced"])
    qtbot.addWidget(dialog)
    assert dialog.voice.keep_my_voice.text() == "Keep my voice"
    assert not dialog.voice.keep_my_voice.isChecked() and dialog.voice.threshold.value() == 1.5
    dialog.voice.keep_my_voice.setChecked(True)
    dialog.voice.threshold.setValue(2.3)
    app_settings.save_preferences(dialog.preferences(prefs))

    again = app_settings.preferences()
    assert again.keep_my_voice and again.voice_threshold == 2.3
    reopened = SettingsDialog(again, ["balanced"])
    qtbot.addWidget(reopened)
    assert reopened.voice.keep_my_voice.isChecked() and reopened.voice.threshold.value() == 2.3


def test_the_window_warns_at_the_threshold_chosen_in_settings(window):
    window.apply_preferences(Preferences(voice_threshold=0.7, keep_my_voice=True))
    assert window.voice.threshold() == 0.7
    assert window.generation.prefs.keep_my_voice
