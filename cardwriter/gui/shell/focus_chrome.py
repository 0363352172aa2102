"""The window's side of focus mode: full screen with its panels and bars hidden, then all put back.

Focus mode itself (``tools/focus_mode``) holds the current card in the middle
and dims the rest; it says when it comes on or goes off, and this hides the
window's docks and status bar and goes full screen, remembering what was shown
and whether the window was full screen already, to put it back.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow


class FocusChrome(QObject):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self._state = Qt.WindowState.WindowNoState
        self._docks: list[QDockWidget] = []
        self._status = True

    def follow(self, on: bool) -> None:
        """Focus mode came on (``on``) or went off."""
        self.enter() if on else self.leave()

    def enter(self) -> None:
        w = self.window
        self._state = w.windowState()
        self._docks = [d for d in w.findChildren(QDockWidget) if d.isVisible()]
        self._status = w.statusBar().isVisible()
        for dock in self._docks:
            dock.hide()
        w.statusBar().hide()
        w.showFullScreen()

    def leave(self) -> None:
        w = self.window
        w.setWindowState(self._state)
        for dock in self._docks:
            dock.show()
        w.statusBar().setVisible(self._status)
        self._docks = []
