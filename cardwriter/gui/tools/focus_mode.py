"""Focus mode (F11): full screen, panels hidden, the current card held in the middle, the rest dimmed.

Entering says so (``changed``): the window remembers what it looked like (full
screen or not, which docks and bars were shown), hides its panels and bars and
goes full screen; leaving (F11 again, Esc, or the project closing) says so
again and the window puts it all back. The find bar, a tool's own, is hidden
and brought back here.

While it is on, every move of the cursor scrolls the column so the line being
written sits at the middle of the screen (typewriter scrolling); the delegate
leaves half a screen of room above the first card and below the last, so
even they can be centred, and paints every card but the current one faded.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.workspace import Workspace


class FocusMode(QObject):
    changed = Signal(bool)  # on (True): the window hides its panels and bars, full screen; off: it restores them

    def __init__(self, workspace: Workspace, find_bar: QWidget, parent: QObject | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.find_bar = find_bar  # hidden while focus mode is on, if it was shown
        self.active = False
        self._find_shown = False
        self.view: DraftView | None = None

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        view = self.workspace.view
        if self.active or view is None:
            return
        self._find_shown = self.find_bar.isVisible()
        self.find_bar.hide()
        self.active = True
        self.changed.emit(True)
        self._apply(view)
        QTimer.singleShot(0, self.centre)

    def leave(self) -> None:
        if not self.active:
            return
        self.active = False
        self.changed.emit(False)
        if self._find_shown:
            self.find_bar.show()
        if self.view is not None:
            self._apply(self.view)
            self.view.scrollTo(self.view.currentIndex())

    def project_closed(self) -> None:
        """No draft to hold in the middle: focus mode ends."""
        self.leave()
        self.view = None

    def draft_shown(self, view: DraftView) -> None:
        """A new draft view: hook its editors and Esc; apply the mode if it is on."""
        self.view = view
        view.delegate.escape_pressed.connect(self.leave)
        view.delegate.editor_created.connect(lambda editor, _id: self._watch(editor))
        if view.editor() is not None:  # a card was already being edited when the draft came to us
            self._watch(view.editor())
        self._apply(view)

    def _apply(self, view: DraftView) -> None:
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
        if editor is None:
            return
        line = editor.cursorRect().center()
        y = editor.mapTo(view.viewport(), line).y()
        bar = view.verticalScrollBar()
        bar.setValue(bar.value() + y - view.viewport().height() // 2)

    def cursor_offset_from_middle(self) -> int:
        """How far (px) the cursor's line is from the middle of the column (tests and checks)."""
        view = self.view
        editor = view.editor() if view is not None else None
        assert view is not None and editor is not None, "a card is being edited"
        y = editor.mapTo(view.viewport(), editor.cursorRect().center()).y()
        return y - view.viewport().height() // 2
