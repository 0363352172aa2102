from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from cardwriter.generation.gpu import supports_gpu_offload
from cardwriter.generation.model_files import packaged_model
from cardwriter.gui.common.app_settings import MODEL_DEFAULT, MODEL_FILE, MODEL_SERVER, AppSettings, Preferences
from cardwriter.gui.settings.settings_dialog import SettingsDialog, gpu_layers_shown
from tests.generation.hostile_models import aborting_gguf


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
        MODEL_SERVER,
        "http://127.0.0.1:8080",
        "bold",
        3,
        False,
    )


def test_gpu_layers_are_a_setting_that_persists_and_auto_is_the_default(qtbot, tmp_path):
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    dialog = SettingsDialog(settings.preferences(), ["balanced"])
    qtbot.addWidget(dialog)
    assert dialog.gpu_layers.text() == "Auto (all that fit)"
    assert dialog.preferences(Preferences()).gpu_layers == "auto"
    if not supports_gpu_offload():  # this machine's build: the writer is told the model stays on the CPU
        assert "no GPU backend" in dialog.gpu_note.text()
    dialog.gpu_layers.setValue(12)
    settings.save_preferences(dialog.preferences(settings.preferences()))
    again = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).preferences()
    assert again.gpu_layers == "12"
    reopened = SettingsDialog(again, ["balanced"])
    qtbot.addWidget(reopened)
    assert reopened.gpu_layers.value() == 12
    reopened.source.setCurrentIndex(reopened.source.findData(MODEL_SERVER))
    assert not reopened.gpu_layers.isEnabled(), "a server decides its own layers"
    assert gpu_layers_shown("nonsense") == gpu_layers_shown("auto") == -1
    assert gpu_layers_shown("0") == 0


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


def settings_at(tmp_path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def press_ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_model_file_that_crashes_llama_cpp_is_refused_and_the_previous_choice_kept(qtbot, tmp_path):
    bad = aborting_gguf(tmp_path / "bad.gguf")
    before = Preferences(model_source=MODEL_SERVER, server_url="http://127.0.0.1:8080")
    dialog = SettingsDialog(before, ["balanced"])
    qtbot.addWidget(dialog)
    dialog.source.setCurrentIndex(dialog.source.findData(MODEL_FILE))
    dialog.path.setText(str(bad))
    press_ok(dialog)
    assert dialog.probing and "Checking" in dialog.model_status.text()  # off the GUI thread: we are back at once
    qtbot.waitUntil(lambda: not dialog.probing, timeout=30000)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert f"llama.cpp crashed while loading {bad}" in dialog.model_status.text()
    assert "previous model choice is kept" in dialog.model_status.text()
    kept = dialog.preferences(before)
    assert (kept.model_source, kept.model_path, kept.server_url) == (MODEL_SERVER, "", "http://127.0.0.1:8080")


def test_a_saved_model_that_now_fails_falls_back_to_the_default(qtbot, tmp_path):
    bad = aborting_gguf(tmp_path / "bad.gguf")
    before = Preferences(model_source=MODEL_FILE, model_path=str(bad))
    dialog = SettingsDialog(before, ["balanced"])
    qtbot.addWidget(dialog)
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.probing, timeout=30000)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.preferences(before).model_source == MODEL_DEFAULT
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        press_ok(dialog)  # the default needs no probe here: the window's loader probes it


@pytest.mark.slow
def test_a_good_model_file_is_accepted_after_its_probe(qtbot, tmp_path):
    good = packaged_model()
    dialog = SettingsDialog(Preferences(), ["balanced"])
    qtbot.addWidget(dialog)
    dialog.source.setCurrentIndex(dialog.source.findData(MODEL_FILE))
    dialog.path.setText(str(good))
    with qtbot.waitSignal(dialog.accepted, timeout=60000):
        press_ok(dialog)
    assert dialog.preferences(Preferences()).model_path == str(good)


def test_the_window_stays_responsive_and_cancel_works_while_a_probe_runs(qtbot):
    release = threading.Event()
    dialog = SettingsDialog(Preferences(), ["balanced"], check_model=lambda spec: release.wait(10))
    qtbot.addWidget(dialog)
    dialog.source.setCurrentIndex(dialog.source.findData(MODEL_FILE))
    dialog.path.setText("/models/slow.gguf")
    press_ok(dialog)
    assert dialog.probing and not dialog.path.isEnabled()
    qtbot.wait(100)  # the event loop runs while the probe waits
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    release.set()
    qtbot.wait(100)  # the late verdict goes nowhere
    assert dialog.result() == QDialog.DialogCode.Rejected


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "ftp://example.org", "http://"])
def test_a_bad_server_url_is_refused_at_once(qtbot, url):
    dialog = SettingsDialog(Preferences(), ["balanced"])
    qtbot.addWidget(dialog)
    dialog.source.setCurrentIndex(dialog.source.findData(MODEL_SERVER))
    dialog.url.setText(url)
    press_ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert url in dialog.model_status.text() and "http://127.0.0.1:8080" in dialog.model_status.text()


def test_an_empty_model_file_choice_is_refused(qtbot):
    dialog = SettingsDialog(Preferences(), ["balanced"])
    qtbot.addWidget(dialog)
    dialog.source.setCurrentIndex(dialog.source.findData(MODEL_FILE))
    press_ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and "choose a model file" in dialog.model_status.text()


def test_forget_model_drops_the_saved_file_that_failed(tmp_path):
    settings = settings_at(tmp_path)
    model = tmp_path / "models" / "big.gguf"
    settings.save_preferences(Preferences(model_source=MODEL_FILE, model_path=str(model), preset="bold"))
    assert not settings.forget_model(str(tmp_path / "other.gguf"))
    assert settings.preferences().model_path == str(model)
    assert settings.forget_model(str(tmp_path / "models" / ".." / "models" / "big.gguf"))  # the same file
    again = settings_at(tmp_path).preferences()
    assert (again.model_source, again.model_path, again.preset) == (MODEL_DEFAULT, "", "bold")
    assert not settings.forget_model(str(model))  # nothing left to forget


def test_forget_model_leaves_a_server_choice_alone(tmp_path):
    settings = settings_at(tmp_path)
    settings.save_preferences(Preferences(model_source=MODEL_SERVER, model_path="/m.gguf", server_url="http://h:1"))
    assert not settings.forget_model("/m.gguf")
    assert settings_at(tmp_path).preferences().model_source == MODEL_SERVER
