"""Preferences: which model, which sampler preset, how stacks fill."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from cardwriter.gui.app_settings import MODEL_DEFAULT, MODEL_FILE, MODEL_SERVER, Preferences


class SettingsDialog(QDialog):
    def __init__(self, prefs: Preferences, presets: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Cardwriter Settings")
        self.source = QComboBox()
        self.source.addItem("Packaged default model", MODEL_DEFAULT)
        self.source.addItem("A GGUF model file", MODEL_FILE)
        self.source.addItem("A server (OpenAI-compatible URL)", MODEL_SERVER)
        self.source.setCurrentIndex(max(0, self.source.findData(prefs.model_source)))
        self.path = QLineEdit(prefs.model_path)
        self.path.setPlaceholderText("/path/to/model.gguf")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QWidget()
        row = QHBoxLayout(path_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.url = QLineEdit(prefs.server_url)
        self.url.setPlaceholderText("http://127.0.0.1:8080")
        self.preset = QComboBox()
        self.preset.addItems(presets)
        self.preset.setCurrentText(prefs.preset)
        self.shown = QSpinBox(minimum=1, maximum=12, value=prefs.variants_shown)
        self.overgenerate = QDoubleSpinBox(minimum=1.0, maximum=4.0, singleStep=0.5, value=prefs.overgenerate)
        self.threshold = QDoubleSpinBox(minimum=0.5, maximum=0.99, singleStep=0.01, decimals=2, value=prefs.dedup_threshold)
        self.background = QCheckBox("Fill a paragraph's stack when I pause on it")
        self.background.setChecked(prefs.background_fill)
        self.backup_minutes = QSpinBox(minimum=0, maximum=240, value=prefs.backup_minutes, suffix=" min")
        self.backup_minutes.setSpecialValueText("Never")
        self.backups_kept = QSpinBox(minimum=1, maximum=100, value=prefs.backups_kept)

        form = QFormLayout(self)
        form.addRow("Model", self.source)
        form.addRow("Model file", path_row)
        form.addRow("Server URL", self.url)
        form.addRow("Sampler preset", self.preset)
        form.addRow("Variants per fill", self.shown)
        form.addRow("Candidates per variant", self.overgenerate)
        form.addRow("Duplicate above cosine", self.threshold)
        form.addRow("", self.background)
        form.addRow("Back up every", self.backup_minutes)
        form.addRow("Backups kept", self.backups_kept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.source.currentIndexChanged.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        source = self.source.currentData()
        self.path.setEnabled(source == MODEL_FILE)
        self.url.setEnabled(source == MODEL_SERVER)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", "", "GGUF models (*.gguf);;All files (*)")
        if path:
            self.path.setText(path)

    def preferences(self, base: Preferences) -> Preferences:
        return dataclasses.replace(
            base,
            model_source=self.source.currentData(),
            model_path=self.path.text().strip(),
            server_url=self.url.text().strip(),
            preset=self.preset.currentText(),
            variants_shown=self.shown.value(),
            overgenerate=self.overgenerate.value(),
            dedup_threshold=round(self.threshold.value(), 2),
            background_fill=self.background.isChecked(),
            backup_minutes=self.backup_minutes.value(),
            backups_kept=self.backups_kept.value(),
        )
