"""Dark mode: follows the desktop's scheme unless the writer chose, and puts light back as it was."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette

from cardwriter.gui.common import appearance
from cardwriter.gui.common.app_settings import AppSettings
from cardwriter.gui.settings.settings_dialog import SettingsDialog


def test_the_choice_or_else_the_system_decides():
    assert appearance.wants_dark("system", Qt.ColorScheme.Dark)
    assert not appearance.wants_dark("system", Qt.ColorScheme.Light)
    assert not appearance.wants_dark("system", Qt.ColorScheme.Unknown)
    assert appearance.wants_dark("dark", Qt.ColorScheme.Light)
    assert not appearance.wants_dark("light", Qt.ColorScheme.Dark)


def test_dark_then_light_again(qapp):
    light_base = qapp.palette().color(QPalette.ColorRole.Base)
    try:
        assert appearance.apply("dark", qapp) is True
        palette = qapp.palette()
        assert palette.color(QPalette.ColorRole.Base).lightness() < 60
        assert palette.color(QPalette.ColorRole.Text).lightness() > 200, "light text on dark cards"
    finally:
        assert appearance.apply("light", qapp) is False
    assert qapp.palette().color(QPalette.ColorRole.Base) == light_base


def test_the_settings_dialog_offers_the_choice_and_it_is_kept(qtbot, tmp_path):
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    dialog = SettingsDialog(settings.preferences(), ["balanced"])
    qtbot.addWidget(dialog)
    assert dialog.appearance.currentData() == "system"
    dialog.appearance.setCurrentIndex(dialog.appearance.findData("dark"))
    settings.save_preferences(dialog.preferences(settings.preferences()))
    assert (
        AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).preferences().appearance == "dark"
    )
