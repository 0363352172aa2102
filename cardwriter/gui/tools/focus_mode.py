"""Focus mode (F11): full screen, panels hidden, the current card held in the middle, the rest dimmed.

Entering remembers what the window looked like (full screen or not, which
docks and bars were shown) and leaving (F11 again, or Esc) puts it all back.
While it is on, every move of the cursor scrolls the column so the line being
written sits at the middle of the screen (typewriter scrolling); the delegate
leaves half a screen of room above the first card and below the last, so
even they can be centred, and paints every card but the current one faded.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDockWidget


class FocusMode(QObject):
    def __init__(self, window):  # the MainWindow
        super().__init__(window)
        self.window = window
        self.active = False
        self._restore: dict = {}
        self.view = None

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        w = self.window
        if self.active or w.view is None:
            return
        hidden = [d for d in w.findChildren(QDockWidget) if d.isVisible()]
        self._restore = {
            "state": w.windowState(),
            "docks": hidden,
            "status": w.statusBar().isVisible(),
            "find": w.tools.find_bar.isVisible(),
        }
        for dock in hidden:
            dock.hide()
        w.statusBar().hide()
        w.tools.find_bar.hide()
        self.active = True
        w.showFullScreen()
        self._apply(w.view)
        QTimer.singleShot(0, self.centre)

    def leave(self) -> None:
        w = self.window
        if not self.active:
            return
        self.active = False
        restore = self._restore
        w.setWindowState(restore["state"])
        for dock in restore["docks"]:
            dock.show()
        w.statusBar().setVisible(restore["status"])
        if restore["find"]:
            w.tools.find_bar.show()
        if self.view is not None:
            self._apply(self.view)
            self.view.scrollTo(self.view.currentIndex())

    def draft_shown(self, view) -> None:  # a DraftView
        """A new draft view: hook its editors and Esc; apply the mode if it is on."""
        self.view = view
        view.delegate.escape_pressed.connect(self.leave)
        view.delegate.editor_created.connect(lambda editor, _id: self._watch(editor))
        self._apply(view)

    def _apply(self, view) -> None:  # view: a DraftView
        self.view = view
        view.delegate.dim_others = self.active
        view.delegate.focus_pad = view.viewport().height() // 2 if self.active else 0
        view.scheduleDelayedItemsLayout()
        view.viewport().update()

    def _watch(self, editor) -> None:  # a CardEditor
        editor.cursorPositionChanged.connect(self.centre)
        editor.textChanged.connect(self.centre)

    def centre(self) -> None:
        """Scroll so the line with the cursor sits at the middle of the column."""
        view = self.view
        if not self.active or view is None or view.editor() is None:
            return
        pad = view.viewport().height() // 2
        if view.delegate.focus_pad != pad:  # the screen changed size
            self._apply(view)
        view.executeDelayedItemsLayout()
        editor = view.editor()
        line = editor.cursorRect().center()
        y = editor.mapTo(view.viewport(), line).y()
        bar = view.verticalScrollBar()
        bar.setValue(bar.value() + y - view.viewport().height() // 2)

    def cursor_offset_from_middle(self) -> int:
        """How far (px) the cursor's line is from the middle of the column (tests and checks)."""
        editor = self.view.editor()
        y = editor.mapTo(self.view.viewport(), editor.cursorRect().center()).y()
        return y - self.view.viewport().height() // 2
