"""The status bar: word counts, the model's state, queued work, and passing messages.

Its labels take shorter wordings, or elide, when the window is narrow
(``FittedLabel``, the whole text in the tooltip): a long model name must not
make the window refuse to get narrower, nor push the voice gauge off its edge.

A passing message (``showMessage``: the voice warning, a save, a failed load)
is shown by a label of its own, left of the counts, in whatever room they leave:
it elides ("…", the whole text in its tooltip) rather than run under the counts,
which QStatusBar's own painting of the message did (cut mid-word against them).
The bar's ``currentMessage`` and timeouts work as ever; only the painting moved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizeGrip, QSizePolicy, QStatusBar, QStyle, QStyleOption, QWidget

from cardwriter.domain.counts import Counts
from cardwriter.gui.common.fitted_label import FittedLabel
from cardwriter.gui.shell.count_watcher import CountWatcher


class StatusBar(QStatusBar):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.message_label = FittedLabel(("",), keep_last=False)
        # The room the other widgets leave, and no more: the counts and the model's state never give way to it.
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.addPermanentWidget(self.message_label, 1)  # permanent: shown while a message is (and left of the rest)
        self.messageChanged.connect(lambda text: self.message_label.set_wordings((text,)))
        self.counts_label = FittedLabel(("",), keep_last=False)
        self.model_label = FittedLabel(("Model: starting…", "Starting…"), keep_last=False)
        self.queue_label = FittedLabel(("",), keep_last=False)
        self.addPermanentWidget(self.counts_label)
        self.addPermanentWidget(self.queue_label)
        self.addPermanentWidget(self.model_label)
        self.counts = CountWatcher(self.show_counts, self)

    def watch_counts(self, model, view) -> None:  # a CardListModel and its DraftView
        """Show the words of the current card and of this draft, kept up to date as the writer types."""
        self.counts.watch(model, view)

    def show_counts(self, card: Counts | None, draft: Counts | None) -> None:
        if card is None or draft is None:
            self.counts_label.set_wordings(("",))
            return
        self.counts_label.set_wordings(
            (
                f"Card: {card.words:,} words · Draft: {draft.words:,} words",
                f"Card {card.words:,} · Draft {draft.words:,}",
                f"{draft.words:,} words",
            ),
            f"Card: {card.words:,} words, {card.characters:,} characters ({card.characters_no_spaces:,} without spaces)\n"
            f"Draft: {draft.words:,} words, {draft.characters:,} characters ({draft.characters_no_spaces:,} without spaces)",
        )

    def show_model_state(self, state: str, detail: str) -> None:
        """Loading, ready (with the model's name) or failed (with why, and that writing goes on)."""
        if state == "loading":
            self.model_label.set_wordings(("Model: loading…", "Loading…"))
        elif state == "ready":
            self.model_label.set_wordings((f"Model: {detail} ready", "Model ready", "Ready"))
        else:
            self.model_label.set_wordings(("Model: failed to load", "No model"))
            self.model_label.setToolTip(detail)
            self.showMessage(f"The model could not be loaded: {detail}. You can keep writing.", 15000)
        self.model_label.setProperty("state", state)

    def model_state(self) -> str:
        """ "loading", "ready", "failed", or "" before the worker has said anything."""
        return self.model_label.property("state") or ""

    def show_progress(self, text: str) -> None:
        self.queue_label.setText(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        """As QStatusBar paints itself, less the message's text (``message_label`` shows it)."""
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for widget in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if widget.isVisible() and not widget.isWindow() and not isinstance(widget, QSizeGrip):
                frame = QStyleOption()
                frame.rect = widget.geometry().adjusted(-2, -1, 2, 1)
                frame.palette = self.palette()
                frame.state = QStyle.StateFlag.State_None
                self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame, painter, widget)
