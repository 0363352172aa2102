"""Preferences: which model, which sampler preset, how stacks fill, light or dark.

The dialog never keeps a model that cannot be used. On OK, a model file is
probe-loaded (``generation.model_probe``: llama.cpp loads it in a child
process, so a file that crashes llama.cpp cannot take the app down) and a
server URL is checked. The probe takes about a second the first time for a
small model (it is cached afterwards), so it runs in the background (a
``BackgroundCall``, the GUI's one pattern for it: the newest probe wins, its
verdict comes back on the GUI thread, and none comes once the dialog is gone)
while the dialog says so and stays responsive; Cancel still works. A file that
fails is refused with the probe's message, and the previous choice is put
back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from cardwriter.errors import UserError
from cardwriter.generation.gpu import AUTO, parse_gpu_layers, supports_gpu_offload
from cardwriter.gui.common.app_settings import MODEL_DEFAULT, MODEL_FILE, MODEL_SERVER, Preferences
from cardwriter.gui.common.appearance import CHOICES
from cardwriter.gui.common.background import BackgroundCall
from cardwriter.gui.settings.voice_settings import VoiceSettings
from cardwriter.gui.settings.writing_settings import WritingSettings


def probe_model_file(spec: str) -> None:
    """Raise a ``UserError`` unless the model file ``spec`` names loads (in a child process, verdict cached)."""
    from cardwriter.generation.model_files import resolve_model
    from cardwriter.generation.model_probe import probe_model

    probe_model(resolve_model(spec))


def check_url(url: str) -> None:
    from cardwriter.generation.http_limits import check_server_url

    check_server_url(url)


def gpu_layers_shown(setting: str) -> int:
    """The spin box value for a saved setting: -1 for "auto" (and for a setting that makes no sense)."""
    try:
        layers = parse_gpu_layers(setting)
    except UserError:
        return -1
    return -1 if layers == AUTO else int(layers)


class SettingsDialog(QDialog):
    def __init__(
        self,
        prefs: Preferences,
        presets: list[str],
        parent=None,
        *,
        check_model: Callable[[str], None] = probe_model_file,
    ):
        super().__init__(parent)
        self.setWindowTitle("Cardwriter Settings")
        self._previous = prefs
        self._check_model = check_model
        self._probe = BackgroundCall(self, doing="checking the model file")  # a newer probe wins
        self._probe.finished.connect(self._probe_passed)
        self._probe.failed.connect(self._probe_done)
        self.source = QComboBox()
        self.source.addItem("Packaged default model", MODEL_DEFAULT)
        self.source.addItem("A GGUF model file", MODEL_FILE)
        self.source.addItem("A server (OpenAI-compatible URL)", MODEL_SERVER)
        self.source.setCurrentIndex(max(0, self.source.findData(prefs.model_source)))
        self.path = QLineEdit(prefs.model_path)
        self.path.setPlaceholderText("/path/to/model.gguf")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._browse)
        path_row = QWidget()
        row = QHBoxLayout(path_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        self.url = QLineEdit(prefs.server_url)
        self.url.setPlaceholderText("http://127.0.0.1:8080")
        self.gpu_layers = QSpinBox(minimum=-1, maximum=999)
        self.gpu_layers.setSpecialValueText("Auto (all that fit)")  # shown for -1
        self.gpu_layers.setToolTip("Model layers llama.cpp puts on the GPU; 0 keeps the model on the CPU.")
        self.gpu_layers.setValue(gpu_layers_shown(prefs.gpu_layers))
        self.gpu_note = QLabel(
            ""
            if supports_gpu_offload()
            else "This llama-cpp-python build has no GPU backend: the model runs on the CPU."
        )
        self.gpu_note.setWordWrap(True)
        self.gpu_note.setVisible(bool(self.gpu_note.text()))
        self.model_status = QLabel()
        self.model_status.setWordWrap(True)
        self.model_status.hide()
        self.preset = QComboBox()
        self.preset.addItems(presets)
        self.preset.setCurrentText(prefs.preset)
        self.shown = QSpinBox(minimum=1, maximum=12, value=prefs.variants_shown)
        self.overgenerate = QDoubleSpinBox(minimum=1.0, maximum=4.0, singleStep=0.5, value=prefs.overgenerate)
        self.threshold = QDoubleSpinBox(
            minimum=0.5, maximum=0.99, singleStep=0.01, decimals=2, value=prefs.dedup_threshold
        )
        self.background = QCheckBox("Fill a paragraph's stack when I pause on it")
        self.background.setChecked(prefs.background_fill)
        self.appearance = QComboBox()
        for value, label in CHOICES:
            self.appearance.addItem(label, value)
        self.appearance.setCurrentIndex(max(0, self.appearance.findData(prefs.appearance)))
        self.backup_minutes = QSpinBox(minimum=0, maximum=240, value=prefs.backup_minutes, suffix=" min")
        self.backup_minutes.setSpecialValueText("Never")
        self.backups_kept = QSpinBox(minimum=1, maximum=100, value=prefs.backups_kept)

        form = QFormLayout(self)
        form.addRow("Model", self.source)
        form.addRow("Model file", path_row)
        form.addRow("Server URL", self.url)
        form.addRow("GPU layers", self.gpu_layers)
        form.addRow("", self.gpu_note)
        form.addRow("", self.model_status)
        form.addRow("Sampler preset", self.preset)
        form.addRow("Variants per fill", self.shown)
        form.addRow("Candidates per variant", self.overgenerate)
        form.addRow("Duplicate above cosine", self.threshold)
        form.addRow("", self.background)
        form.addRow("Appearance", self.appearance)
        form.addRow("Back up every", self.backup_minutes)
        form.addRow("Backups kept", self.backups_kept)
        self.writing = WritingSettings(prefs)
        self.writing.add_rows(form)
        self.voice = VoiceSettings(prefs)
        self.voice.add_rows(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.source.currentIndexChanged.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        source = self.source.currentData()
        self.path.setEnabled(source == MODEL_FILE)
        self.browse.setEnabled(source == MODEL_FILE)
        self.url.setEnabled(source == MODEL_SERVER)
        self.gpu_layers.setEnabled(source != MODEL_SERVER)  # a server decides its own layers

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", "", "GGUF models (*.gguf);;All files (*)")
        if path:
            self.path.setText(path)

    # -- checking the model before accepting ----------------------------------

    @property
    def probing(self) -> bool:
        return not self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()

    def accept(self) -> None:
        """OK: a server URL is checked at once, a model file probed on a thread; the dialog closes only if it passes."""
        source = self.source.currentData()
        if source == MODEL_SERVER:
            try:
                check_url(self.url.text())
            except UserError as exc:
                self._refuse(str(exc), revert=False)
                return
        elif source == MODEL_FILE:
            spec = self.path.text().strip()
            if not spec:
                self._refuse("choose a model file (a .gguf file), or another model source", revert=False)
                return
            self._start_probe(spec)
            return
        super().accept()

    def _start_probe(self, spec: str) -> None:
        check = self._check_model
        self._set_probing(True)
        self._say(f"Checking {spec}: llama.cpp is loading it in a separate process…", error=False)
        # a failed check (a bug in it too) keeps no model: its message comes back instead
        self._probe.start(lambda task: check(spec))

    def _probe_passed(self, _: object) -> None:
        self._probe_done("")

    def _probe_done(self, message: str) -> None:
        """The probe's verdict: "" when the model file loads, else why not."""
        if not self.probing:
            return  # cancelled meanwhile
        self._set_probing(False)
        if message:
            self._refuse(message, revert=True)
        else:
            self.model_status.hide()
            super().accept()

    def reject(self) -> None:
        self._probe.cancel()  # a probe still running reports to nobody
        self._set_probing(False)
        super().reject()

    def _set_probing(self, on: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not on)
        for widget in (self.source, self.path, self.browse, self.url):
            widget.setEnabled(not on)
        if on:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()
            self._enable()

    def _refuse(self, message: str, *, revert: bool) -> None:
        """Say why the model choice cannot be kept; for a failed file, put the previous choice back."""
        if revert:
            failed = self.path.text().strip()
            source, path = self._previous.model_source, self._previous.model_path
            if source == MODEL_FILE and path.strip() == failed:
                source, path = MODEL_DEFAULT, ""  # the saved file is the one that failed: fall back to the default
            self.path.setText(path)
            self.source.setCurrentIndex(max(0, self.source.findData(source)))
            message += (
                ". The previous model choice is kept."
                if source == self._previous.model_source
                else (". The packaged default model is selected instead.")
            )
        self._say(message, error=True)

    def _say(self, text: str, *, error: bool) -> None:
        self.model_status.setText(text)
        self.model_status.setStyleSheet("color: #b00020;" if error else "")
        self.model_status.show()

    def preferences(self, base: Preferences) -> Preferences:
        return dataclasses.replace(
            base,
            model_source=self.source.currentData(),
            model_path=self.path.text().strip(),
            server_url=self.url.text().strip(),
            gpu_layers=AUTO if self.gpu_layers.value() < 0 else str(self.gpu_layers.value()),
            preset=self.preset.currentText(),
            variants_shown=self.shown.value(),
            overgenerate=self.overgenerate.value(),
            dedup_threshold=round(self.threshold.value(), 2),
            background_fill=self.background.isChecked(),
            appearance=self.appearance.currentData(),
            backup_minutes=self.backup_minutes.value(),
            backups_kept=self.backups_kept.value(),
            **self.writing.values(),
            **self.voice.values(),
        )
