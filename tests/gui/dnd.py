"""Sending real drag-and-drop events to a widget, as Qt delivers them during a drag."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


def drop(target: QWidget, mime: QMimeData, pos: QPoint, action=Qt.DropAction.CopyAction) -> bool:
    """Enter, move over and drop ``mime`` at ``pos``; returns whether the target accepted the drop."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(pos), actions, mime, buttons, mods)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(QPoint(pos), actions, mime, buttons, mods)
    QApplication.sendEvent(target, move)
    if not move.isAccepted():
        return False
    event = QDropEvent(QPointF(pos), actions, mime, buttons, mods)
    event.setDropAction(action)
    QApplication.sendEvent(target, event)
    return event.isAccepted()
