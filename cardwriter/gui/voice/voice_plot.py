"""The voice meter drawn with QPainter: the gauge in the status bar, the history plot, and a PNG of it.

No matplotlib in the app: the history is two lines (model share, distance from
the writer's voice) over acceptances, with the warning threshold as a dashed line.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

from cardwriter.errors import UserError
from cardwriter.safe_write import check_target, write_bytes_atomically
from cardwriter.services.projects import VoicePoint
from cardwriter.services.voice_meter import DEFAULT_THRESHOLD, VoiceReading

SHARE_COLOUR = QColor("#3b7dd8")
DISTANCE_COLOUR = QColor("#d8793b")


def paint_history(painter: QPainter, rect: QRectF, history: list[VoicePoint], threshold: float) -> None:
    """Model share (0–100%, left scale) and distance (0 to max, right scale), one point per acceptance."""
    painter.fillRect(rect, QColor("white"))
    plot = rect.adjusted(36, 12, -36, -24)
    painter.setPen(QPen(QColor("#888888"), 1))
    painter.drawRect(plot)
    painter.drawText(QRectF(rect.left(), plot.top() - 6, 34, 14), Qt.AlignmentFlag.AlignRight, "100%")
    painter.drawText(QRectF(rect.left(), plot.bottom() - 8, 34, 14), Qt.AlignmentFlag.AlignRight, "0%")
    top = max([threshold * 1.25] + [p.distance for p in history if p.distance is not None])
    painter.drawText(QRectF(plot.right() + 3, plot.top() - 6, 34, 14), Qt.AlignmentFlag.AlignLeft, f"{top:.1f}")
    painter.drawText(
        QRectF(plot.left(), plot.bottom() + 4, plot.width(), 16),
        Qt.AlignmentFlag.AlignCenter,
        f"{len(history)} acceptances" if history else "no acceptances yet",
    )
    y_threshold = plot.bottom() - plot.height() * threshold / top
    painter.setPen(QPen(DISTANCE_COLOUR, 1, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(plot.left(), y_threshold), QPointF(plot.right(), y_threshold))

    def x(i: int) -> float:
        return plot.left() + (plot.width() * (i + 0.5) / len(history))

    for colour, value in (
        (SHARE_COLOUR, lambda p: p.model_share),
        (DISTANCE_COLOUR, lambda p: None if p.distance is None else p.distance / top),
    ):
        painter.setPen(QPen(colour, 2))
        points = [
            QPointF(x(i), plot.bottom() - plot.height() * v)
            for i, p in enumerate(history)
            if (v := value(p)) is not None
        ]
        for a, b in itertools.pairwise(points):
            painter.drawLine(a, b)
        for point in points:
            painter.drawEllipse(point, 2.5, 2.5)


def history_png_bytes(history: list[VoicePoint], threshold: float = DEFAULT_THRESHOLD) -> bytes:
    """The history plot as a PNG file's bytes, drawn in memory (works with no screen: Qt's offscreen platform)."""
    # a QApplication, not a QGuiApplication: widgets made later in the same process need one
    app = QApplication.instance() or QApplication(["cardwriter", "-platform", "offscreen"])
    image = QImage(QSize(640, 320), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_history(painter, QRectF(0, 0, 640, 320), history, threshold)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not QImageWriter(buffer, QByteArray(b"png")).write(image):  # PNG whatever the file is called
        raise UserError("cannot draw the voice plot as PNG")
    buffer.close()
    del app
    return bytes(data.data())


def save_history_png(history: list[VoicePoint], path: Path, threshold: float = DEFAULT_THRESHOLD) -> None:
    """Write the history plot to ``path`` through the one write path (never onto a project, device or pipe)."""
    check_target(path)  # before drawing: a refused name costs no work
    write_bytes_atomically(path, history_png_bytes(history, threshold))


class VoiceGauge(QWidget):
    """A small bar in the status bar: its fill is the model share, its colour turns when the distance is past the threshold."""

    clicked = Signal()  # the writer clicked it: open the panel

    def __init__(self, parent=None):
        super().__init__(parent)
        self.reading: VoiceReading | None = None
        self.threshold = DEFAULT_THRESHOLD
        self.setFixedSize(60, 12)

    @property
    def warning(self) -> bool:
        return bool(self.reading and self.reading.distance is not None and self.reading.distance > self.threshold)

    def show_reading(self, reading: VoiceReading | None, threshold: float) -> None:
        self.reading, self.threshold = reading, threshold
        if reading is None:
            self.setToolTip("")
        else:
            distance = "n/a" if reading.distance is None else f"{reading.distance:.2f}"
            self.setToolTip(
                f"Your voice: {reading.model_share:.0%} of this draft's words came from the model; "
                f"their distance from your own paragraphs is {distance} (1.0 = as different as "
                f"your paragraphs are from each other; warning above {threshold:.1f})"
            )
        self.update()

    def mousePressEvent(self, event):
        self.clicked.emit()

    def paintEvent(self, event):
        painter = QPainter(self)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor("#888888"), 1))
        painter.drawRect(rect)
        if self.reading is not None:
            fill = rect.adjusted(1, 1, -1, -1)
            fill.setWidth(fill.width() * self.reading.model_share)
            painter.fillRect(fill, DISTANCE_COLOUR if self.warning else SHARE_COLOUR)
