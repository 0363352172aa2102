"""The status bar: the model's state, queued work, and passing messages."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar


class StatusBar(QStatusBar):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.model_label = QLabel("Model: starting…")
        self.queue_label = QLabel("")
        self.addPermanentWidget(self.queue_label)
        self.addPermanentWidget(self.model_label)

    def show_model_state(self, state: str, detail: str) -> None:
        """Loading, ready (with the model's name) or failed (with why, and that writing goes on)."""
        if state == "loading":
            self.model_label.setText("Model: loading…")
        elif state == "ready":
            self.model_label.setText(f"Model: {detail} ready")
        else:
            self.model_label.setText("Model: failed to load")
            self.model_label.setToolTip(detail)
            self.showMessage(f"The model could not be loaded: {detail}. You can keep writing.", 15000)
        self.model_label.setProperty("state", state)

    def model_state(self) -> str:
        """"loading", "ready", "failed", or "" before the worker has said anything."""
        return self.model_label.property("state") or ""

    def show_progress(self, text: str) -> None:
        self.queue_label.setText(text)
