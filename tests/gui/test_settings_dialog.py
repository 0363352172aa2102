from __future__ import annotations

from PySide6.QtCore import QSettings

from cardwriter.gui.app_settings import MODEL_SERVER, AppSettings, Preferences
from cardwriter.gui.settings_dialog import SettingsDialog


def test_dialog_edits_and_settings_persist(qtbot, tmp_path):
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    prefs = settings.preferences()
    assert prefs == Preferences()
    dialog = SettingsDialog(prefs, ["faithful", "balanced", "bold"])
    qtbot.addWidget(dialog)
    assert not dialog.url.isEnabled()
    dialog.source.setCurrentIndex(dialog.source.findData(MODEL_SERVER))
    assert dialog.url.isEnabled() and not dialog.path.isEnabled()
    dialog.url.setText(" http://127.0.0.1:8080 ")
    dialog.preset.setCurrentText("bold")
    dialog.shown.setValue(3)
    dialog.background.setChecked(False)
    settings.save_preferences(dialog.preferences(prefs))

    again = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).preferences()
    assert (again.model_source, again.server_url, again.preset, again.variants_shown, again.background_fill) == (
        MODEL_SERVER, "http://127.0.0.1:8080", "bold", 3, False)


def test_damaged_settings_fall_back_to_defaults(tmp_path):
    raw = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    raw.setValue("preferences/variants_shown", "lots")
    raw.setValue("preferences/overgenerate", "")
    raw.sync()
    prefs = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).preferences()
    assert prefs.variants_shown == 4 and prefs.overgenerate == 2.0


def test_recent_projects_most_recent_first(tmp_path):
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    for name in ("a", "b", "a", "c"):
        settings.add_recent(f"/p/{name}.cardwriter")
    assert settings.recent_projects() == ["/p/c.cardwriter", "/p/a.cardwriter", "/p/b.cardwriter"]
