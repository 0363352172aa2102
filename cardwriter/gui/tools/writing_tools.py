"""The writer's everyday tools, wired to the window in one place.

Find and replace, spelling (and, as they come, focus mode, the navigator and
the session target) each live in their own module; this one builds them,
connects their menu actions, and tells them when a draft is shown, the
project closes or the preferences change, so the main window only makes
three calls.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from cardwriter.gui.settings.writing_settings import apply_to
from cardwriter.gui.shell.panel_state import remember_panel
from cardwriter.gui.tools.find_bar import FindBar
from cardwriter.gui.tools.focus_mode import FocusMode
from cardwriter.gui.tools.navigator import Navigator
from cardwriter.gui.tools.session_target import SessionTarget
from cardwriter.gui.tools.spelling import Spelling


class WritingTools(QObject):
    def __init__(self, window, splitter: QWidget):  # the MainWindow
        super().__init__(window)
        self.window = window
        self.find_bar = FindBar()
        self.central = self.find_bar.under(splitter)  # the window's central widget
        self.spelling = Spelling(self)
        self.focus = FocusMode(window)
        self.target = SessionTarget(window)
        self.navigator = Navigator(window)

    def add_panels(self) -> None:
        """The navigator dock, above the notes (sharing their column, so the draft keeps its width),
        shown or collapsed as the writer left it."""
        dock = self.navigator.dock
        self.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.window.splitDockWidget(dock, self.window.note_actions.dock, Qt.Orientation.Vertical)
        remember_panel(self.window, dock, "navigator", "Ctrl+Shift+O")

    def connect_menu(self, menu) -> None:  # the MainMenu
        w = self.window
        menu.find_requested.connect(lambda replace: self.find_bar.open_bar(replace) if w.view else None)
        menu.find_step_requested.connect(lambda way: self.find_bar.step_by(way) if w.view else None)
        menu.focus_requested.connect(self.focus.toggle)
        menu.target_requested.connect(self.target.ask)
        self.add_panels()

    def draft_shown(self, view) -> None:  # the new DraftView
        w = self.window
        if self.spelling.project is not w.project:  # a project just opened
            self.spelling.configure(w.prefs.spelling, w.prefs.spelling_language, w.project)
            self.target.project_opened(w.project)
        apply_to(view, w.prefs)
        self.find_bar.notes.attach(w.note_actions.panel)
        self.find_bar.attach(view, w.undo_stack)
        self.spelling.attach(view)
        self.focus.draft_shown(view)
        self.target.draft_shown(view.card_model(), view)
        self.navigator.draft_shown(view)

    def project_closed(self) -> None:
        self.find_bar.attach(None, None)
        self.find_bar.notes.attach(None)
        self.spelling.attach(None)
        self.spelling.configure(False, "", None)
        self.target.project_closed()
        self.navigator.tree.clear()

    def preferences_changed(self, prefs) -> None:  # Preferences
        problem = self.spelling.configure(prefs.spelling, prefs.spelling_language, self.window.project)
        if problem:
            self.window.status.showMessage(problem, 10000)
        if self.window.view is not None:
            apply_to(self.window.view, prefs)
