"""The writer's everyday tools, following the workspace in one place.

Find and replace, spelling, focus mode, the navigator and the session target
each live in their own module; this one builds them over the ``Workspace`` and
tells them, in order, when a draft is shown, the project closes or the
preferences change (it subscribes to the workspace's signals itself).

What the tools put on screen the window places: the find bar's column
(``central``), the navigator's dock (``navigator.dock``), the target's label
(``target.label``); the window also connects the menu's requests to ``find``,
``find_step``, ``focus.toggle`` and ``target.ask``, and follows
``focus.changed`` to hide and bring back its own panels and bars.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from cardwriter.gui.common.app_settings import Preferences
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.notes.notes_panel import NotesPanel
from cardwriter.gui.settings.writing_settings import apply_to
from cardwriter.gui.tools.find_bar import FindBar
from cardwriter.gui.tools.focus_mode import FocusMode
from cardwriter.gui.tools.navigator import Navigator
from cardwriter.gui.tools.session_target import SessionTarget
from cardwriter.gui.tools.spelling import Spelling
from cardwriter.gui.workspace import Workspace


class WritingTools(QObject):
    def __init__(
        self,
        workspace: Workspace,
        draft_area: QWidget,
        notes_panel: Callable[[], NotesPanel | None] = lambda: None,
        parent: QObject | None = None,
    ):
        """``draft_area``: where the draft is shown (the find bar goes under it, in ``central``);
        ``notes_panel``: the notes panel of the open project, for "Include notes"."""
        super().__init__(parent)
        self.workspace = workspace
        self.notes_panel = notes_panel
        self.find_bar = FindBar()
        self.central = self.find_bar.under(draft_area)  # the window's central widget
        self.spelling = Spelling(self)
        self.focus = FocusMode(workspace, self.find_bar, self)
        self.target = SessionTarget(workspace, self)
        self.navigator = Navigator(workspace, self)
        workspace.draft_shown.connect(self.draft_shown)
        workspace.project_closed.connect(self.project_closed)
        workspace.preferences_changed.connect(self.preferences_changed)

    # -- the menu's requests ---------------------------------------------------------

    def find(self, replace: bool) -> None:
        """Edit ▸ Find… (or Replace… with ``replace``), while a draft is shown."""
        if self.workspace.view is not None:
            self.find_bar.open_bar(replace)

    def find_step(self, way: int) -> None:
        """Edit ▸ Find Next (+1) or Find Previous (-1), while a draft is shown."""
        if self.workspace.view is not None:
            self.find_bar.step_by(way)

    # -- following the workspace ---------------------------------------------------------

    def draft_shown(self, view: DraftView) -> None:
        ws = self.workspace
        if self.spelling.project is not ws.project:  # a project just opened
            self.spelling.configure(ws.prefs.spelling, ws.prefs.spelling_language, ws.project)
            self.target.project_opened(ws.project)
        apply_to(view, ws.prefs)
        self.find_bar.notes.attach(self.notes_panel())
        self.find_bar.attach(view, ws.undo_stack)
        self.spelling.attach(view)
        self.focus.draft_shown(view)
        self.target.draft_shown(view.card_model(), view)
        self.navigator.draft_shown(view)

    def project_closed(self) -> None:
        self.find_bar.attach(None, None)
        self.find_bar.notes.attach(None)
        self.spelling.attach(None)
        self.spelling.configure(False, "", None)
        self.focus.project_closed()
        self.target.project_closed()
        self.navigator.tree.clear()

    def preferences_changed(self, prefs: Preferences) -> None:
        problem = self.spelling.configure(prefs.spelling, prefs.spelling_language, self.workspace.project)
        if problem:
            self.workspace.say(problem, 10000)
        if self.workspace.view is not None:
            apply_to(self.workspace.view, prefs)
