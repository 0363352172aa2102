"""What the window's features share: the open project and draft, undo, preferences, and word to the writer.

The main window owns one ``Workspace`` and hands it to each feature (files,
notes, stacks, voice, tools) instead of itself. A feature reads the open
project, draft session, card model and view here, pushes undoable changes
through it, tells the writer something with ``say`` or ``warn``, and
subscribes to its signals to follow what happens:

- ``project_opened(project)``: a project is open; its draft is shown next.
- ``draft_shown(view)``: a draft is on screen (``session``, ``model`` and ``view`` are set).
- ``draft_closing()``: the draft on screen is about to go (another draft, or the project closes).
- ``project_closing()``: the project is about to close; it is still open and its typing saved.
- ``project_closed()``: no project is open any more.
- ``preferences_changed(prefs)``: the writer changed the preferences (already saved).

The window listens too: it places the view, shows message boxes and the
status bar's messages. Nothing here knows the window, so a feature can be
tested with a workspace and the widgets it makes, without one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from cardwriter.domain.model import Card
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.common.app_settings import AppSettings, Preferences
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.draft.card_model import CardListModel
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.services.draft_session import DraftSession
from cardwriter.services.projects import Project


class Workspace(QObject):
    project_opened = Signal(object)  # the Project
    draft_shown = Signal(object)  # the DraftView now on screen
    draft_closing = Signal()
    project_closing = Signal()
    project_closed = Signal()
    preferences_changed = Signal(object)  # the new Preferences
    message = Signal(str, int)  # (text, milliseconds): a passing word in the status bar
    warning = Signal(str, str)  # (title, message): something went wrong, in a box the writer closes

    def __init__(self, settings: AppSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.prefs: Preferences = settings.preferences()
        self.project: Project | None = None
        self.session: DraftSession | None = None
        self.model: CardListModel | None = None
        self.view: DraftView | None = None
        self.undo_stack = QUndoStack(self)
        self.last_warning = ""
        self.dialog_parent: QWidget | None = None  # what dialogs open over (the window sets itself)

    # -- word to the writer ------------------------------------------------------------

    def say(self, text: str, ms: int = 4000) -> None:
        """A passing message in the status bar."""
        self.message.emit(text, ms)

    def warn(self, title: str, message: str) -> None:
        """Tell the writer what went wrong, without stopping the event loop."""
        self.last_warning = message
        self.warning.emit(title, message)

    # -- the open draft ------------------------------------------------------------------

    def save_typing(self) -> bool:
        """Save what is being typed in the open card (before anything reads or changes the draft); False if it failed."""
        return self.view is None or self.view.save_typing()

    def undo(self) -> None:
        self._undo_step(undo_commands.undo_step)

    def redo(self) -> None:
        self._undo_step(undo_commands.redo_step)

    def push(self, command: QUndoCommand) -> None:
        """Accept, pin or discard a variant (or any undoable change), after saving what is being typed."""
        self._undo_step(lambda stack: stack.push(command))

    def _undo_step(self, step: Callable[[QUndoStack], object]) -> None:
        """Save the typing first, then undo, redo or push.

        Typing that cannot be saved is still a step of its own (kept in memory, see
        ``DraftSession``), so the step is taken anyway: typing and the edits that shape the
        draft undo in memory too; a stack change whose save fails is refused and says so.
        """
        self.save_typing()
        step(self.undo_stack)
        if self.view is not None:
            self.view.refresh_editor()

    # -- opening and closing ----------------------------------------------------------------

    def open_project(self, project: Project, draft_id: str | None = None) -> None:
        """Show an opened project (its first draft unless told which); raises if its draft cannot load."""
        self.close_project()
        self.project = project
        if not project.drafts():
            project.add_draft(draft_from_text(Path(project.path).stem, ""))
        self.project_opened.emit(project)
        self.show_draft(draft_id or project.drafts()[0].id)

    def show_draft(self, draft_id: str) -> None:
        """Show one of the open project's drafts; not while the open card's typing cannot be saved."""
        if self.project is None:  # a draft is only shown from an open project
            return
        if not self.save_typing():  # unsaved text stays on screen (and in the recovery file)
            return
        if self.view is not None:
            self.draft_closing.emit()
        self.undo_stack.clear()
        session = DraftSession(self.project, draft_id)
        if not session.cards:  # an empty draft still has one card to type into
            session.insert(0, Card(""))
        self.session = session
        self.model = CardListModel(session, self)
        self.view = DraftView(self.model, self.undo_stack)
        self.draft_shown.emit(self.view)

    def close_project(self) -> None:
        """Close the open project, if any (features back up and let go of it first)."""
        if self.project is None:
            return
        self.project_closing.emit()
        if self.view is not None:
            self.draft_closing.emit()
        self.undo_stack.clear()
        project = self.project
        self.view = self.model = self.session = None
        self.project = None
        self.project_closed.emit()
        project.close()

    # -- preferences ------------------------------------------------------------------------

    def set_preferences(self, prefs: Preferences) -> None:
        """Keep and save the writer's new preferences, and tell every feature."""
        self.prefs = prefs
        self.settings.save_preferences(prefs)
        self.preferences_changed.emit(prefs)
