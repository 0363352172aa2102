"""The voice meter in the window: the gauge in the status bar, its panel, and the quiet warning.

After each acceptance the draft's meter is recorded (one history point, in the
project file) and the gauge updates; when the distance of the model's text
from the writer's voice crosses the threshold set in Settings, the status bar
says so once (not again until it has come back under). A click on the gauge
opens the panel with the history plot.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from cardwriter.gui.voice_plot import VoiceGauge, paint_history
from cardwriter.services import voice_meter
from cardwriter.services.draft_session import DraftSession
from cardwriter.storage.voice_records import VoicePoint


class HistoryPlot(QWidget):
    def __init__(self, history: list[VoicePoint], threshold: float, parent=None):
        super().__init__(parent)
        self.history, self.threshold = history, threshold
        self.setMinimumSize(480, 240)

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        paint_history(painter, QRectF(self.rect()), self.history, self.threshold)


class VoiceActions:
    def __init__(self, status_bar, threshold=lambda: voice_meter.DEFAULT_THRESHOLD):
        self.status_bar = status_bar
        self.threshold = threshold  # read from the preferences each time
        self.gauge = VoiceGauge()
        self.gauge.mousePressEvent = lambda event: self.open_panel()
        status_bar.addPermanentWidget(self.gauge)
        self.session: DraftSession | None = None
        self.warned = False

    def draft_shown(self, session: DraftSession) -> None:
        self.session = session
        session.on_accept = self.accepted
        self.refresh(warn=False)

    def accepted(self, draft_id: str) -> None:
        if self.session is None:  # only called once a draft is shown
            return
        voice_meter.record_point(self.session.project, draft_id)
        self.refresh(warn=True)

    def refresh(self, warn: bool) -> None:
        if self.session is None:
            return
        reading = voice_meter.measure(self.session.project, self.session.draft.id)
        self.gauge.show_reading(reading, self.threshold())
        if not self.gauge.warning:
            self.warned = False
        elif warn and not self.warned:
            self.warned = True
            self.status_bar.showMessage(
                f"The model's words in this draft now sit {reading.distance:.1f}× as far from your voice as your "
                "own paragraphs do from each other.",
                10000,
            )

    def open_panel(self) -> QDialog:
        dialog = QDialog(self.gauge.window())
        dialog.setWindowTitle("Your voice")
        layout = QVBoxLayout(dialog)
        reading = self.gauge.reading
        if reading is not None:
            distance = "n/a" if reading.distance is None else f"{reading.distance:.2f}"
            layout.addWidget(
                QLabel(
                    f"{reading.model_words:,} of {reading.words:,} words from the model "
                    f"({reading.model_share:.0%}); distance from your voice {distance}"
                )
            )
        history = self.session.project.voice_points(self.session.draft.id) if self.session else []
        layout.addWidget(HistoryPlot(history, self.threshold(), dialog))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
