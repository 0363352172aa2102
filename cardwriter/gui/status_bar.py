"""The status bar: word counts, the model's state, queued work, and passing messages."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from cardwriter.domain.counts import Counts
from cardwriter.gui.count_watcher import CountWatcher


class StatusBar(QStatusBar):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.counts_label = QLabel("")
        self.model_label = QLabel("Model: starting…")
        self.queue_label = QLabel("")
        self.addPermanentWidget(self.counts_label)
        self.addPermanentWidget(self.queue_label)
        self.addPermanentWidget(self.model_label)
        self.counts = CountWatcher(self.show_counts, self)

    def watch_counts(self, model, view) -> None:  # a CardListModel and its DraftView
        """Show the words of the current card and of this draft, kept up to date as the writer types."""
        self.counts.watch(model, view)

    def show_counts(self, card: Counts | None, draft: Counts | None) -> None:
        if card is None or draft is None:
            self.counts_label.setText("")
            self.counts_label.setToolTip("")
            return
        self.counts_label.setText(f"Card: {card.words:,} words · Draft: {draft.words:,} words")
        self.counts_label.setToolTip(
            f"Card: {card.words:,} words, {card.characters:,} characters ({card.characters_no_spaces:,} without spaces)\n"
            f"Draft: {draft.words:,} words, {draft.characters:,} characters ({draft.characters_no_spaces:,} without spaces)"
        )

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
        """ "loading", "ready", "failed", or "" before the worker has said anything."""
        return self.model_label.property("state") or ""

    def show_progress(self, text: str) -> None:
        self.queue_label.setText(text)
