"""Notes meet the draft: search and related notes in the background, notes dropped on or between cards.

The notes panel only shows and edits notes; what a note does to the draft
(fuse into a card, become a card, seed a new one) happens here, through the
generation controller and the workspace's undo stack, like every other change.

This feature follows the ``Workspace`` itself: an opened project's notes show
in the dock, a shown draft's drops and current card reach it, a closed
project empties the dock. The window only places the dock.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from cardwriter.domain.model import Card, Note, VariantKind
from cardwriter.gui.common.background import BackgroundCall
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.draft.draft_view import DraftView
from cardwriter.gui.notes.notes_model import NotesModel
from cardwriter.gui.notes.notes_panel import NotesPanel
from cardwriter.gui.stack.generation_controller import MIN_WORDS_TO_FILL, GenerationController
from cardwriter.gui.workspace import Workspace
from cardwriter.services.fusion_filters import ASSOCIATION
from cardwriter.services.note_finder import NoteFinder
from cardwriter.services.projects import Project

RELATED_AFTER_MS = 400
RELATED_NOTES = 3


class NoteActions(QObject):
    """The notes dock and what notes do to the draft.

    ``finder`` searches notes by meaning; ``generation`` fills stacks with fusions;
    ``add_note_files`` imports files dropped on the notes list (File ▸ Add Notes does
    the same). The dock is made without a parent: the window places it.
    """

    def __init__(
        self,
        workspace: Workspace,
        finder: NoteFinder,
        generation: GenerationController,
        add_note_files: Callable[[list[Path]], object],
    ):
        super().__init__(workspace)
        self.workspace, self.finder, self.generation = workspace, finder, generation
        self.add_note_files = add_note_files
        self.dock = QDockWidget("Notes")
        self.dock.setObjectName("notes-dock")
        self.dock.setMinimumWidth(240)
        self.dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.panel: NotesPanel | None = None
        self.search_call = BackgroundCall(self, doing="Search")
        self.search_call.finished.connect(lambda result: self.panel and self.panel.show_results(*result))
        self.search_call.failed.connect(lambda message: workspace.say(message, 6000))
        self.related_call = BackgroundCall(self, doing="finding related notes")
        self.related_call.finished.connect(lambda notes: self.panel and self.panel.show_related(notes))
        self.related_timer = QTimer(self, singleShot=True, interval=RELATED_AFTER_MS)
        self.related_timer.timeout.connect(self.find_related)
        workspace.project_opened.connect(self.attach)
        workspace.draft_shown.connect(self._draft_shown)
        workspace.project_closed.connect(self.detach)
        if workspace.project is not None:  # made while a project is open: catch up
            self.attach(workspace.project)
        if workspace.view is not None:
            self._draft_shown(workspace.view)

    def attach(self, project: Project) -> None:
        """Show ``project``'s notes in the dock."""
        model = NotesModel(project, self)
        panel = NotesPanel(model, self.workspace.undo_stack)
        panel.search_requested.connect(self.search)
        panel.combine_requested.connect(self.combine_notes)
        panel.associate_requested.connect(self.associate_note)
        panel.insert_requested.connect(lambda note_id: self.insert_notes_as_cards(None, [note_id]))
        panel.notes_changed.connect(self.related_timer.start)
        model.files_dropped.connect(lambda paths: self.add_note_files([Path(p) for p in paths]))
        self._replace_dock_widget(panel)
        self.panel = panel

    def _draft_shown(self, view: DraftView) -> None:
        """Notes dropped on or between the shown draft's cards, and related notes that follow its cursor."""
        model = view.card_model()
        model.note_dropped_on_card.connect(self.recombine_with_notes)
        model.note_dropped_between.connect(self.insert_notes_as_cards)
        view.current_card_changed.connect(self.related_timer.start)
        view.typing_paused.connect(self.related_timer.start)  # and its words, as the writer types them
        self.related_timer.start()  # the card the draft opens on may already be current

    def detach(self) -> None:
        self.related_timer.stop()
        self.search_call.cancel()
        self.related_call.cancel()
        self._replace_dock_widget(QLabel("Open a project to see its notes."))
        self.panel = None

    def _replace_dock_widget(self, widget: QWidget) -> None:
        old = self.dock.widget()
        self.dock.setWidget(widget)
        if old is not None:
            old.deleteLater()

    def notes(self, note_ids: list[str]) -> list[Note]:
        found = [self.panel.model.note(i) for i in note_ids] if self.panel else []
        return [n for n in found if n is not None]

    # -- finding -------------------------------------------------------------------

    def search(self, query: str) -> None:
        if not query or self.panel is None:
            return
        notes, finder = self.panel.model.all_notes(), self.finder
        self.search_call.start(lambda _task: (query, finder.search(query, notes)))

    def find_related(self) -> None:
        """Notes close in meaning to the current paragraph, found off the GUI thread."""
        view, session = self.workspace.view, self.workspace.session
        if self.panel is None or view is None or session is None or not view.current_card_id():
            return
        text = session.card(view.current_card_id()).text
        notes, finder = self.panel.model.all_notes(), self.finder
        if len(text.split()) < MIN_WORDS_TO_FILL or not notes:
            self.panel.show_related([])
            return
        self.related_call.start(lambda _task: finder.related(text, notes, RELATED_NOTES))

    # -- notes into the draft -----------------------------------------------------

    def recombine_with_notes(self, card_id: str, note_ids: list[str]) -> None:
        """A note dropped on a card: its stack gains variants that fuse the two, and unfurls when they come."""
        notes = self.notes(note_ids)[:2]
        if notes and self.generation.generate(card_id, VariantKind.RECOMBINE, notes=notes, unfurl=True):
            plural = "s" if len(notes) > 1 else ""
            self.workspace.say(f"Fusing {len(notes)} note{plural} into the paragraph…", 4000)

    def combine_notes(self, first_id: str, second_id: str) -> None:
        """What falls out of two notes: a new card below the current one, its stack filled from both."""
        notes = self.notes([first_id, second_id])
        view = self.workspace.view
        if len(notes) == 2 and view is not None:
            card_id = view.insert_card_below()
            self.generation.generate(card_id, VariantKind.RECOMBINE, source="", notes=notes)

    def associate_note(self, note_id: str) -> None:
        """What does this note make you think of? A new card whose stack answers."""
        notes = self.notes([note_id])
        view = self.workspace.view
        if notes and view is not None:
            card_id = view.insert_card_below()
            self.generation.generate(card_id, VariantKind.RECOMBINE, angle=ASSOCIATION, source="", notes=notes)

    def insert_notes_as_cards(self, row: int | None, note_ids: list[str]) -> None:
        """Notes become cards at ``row`` (below the current card when None), in one undoable step."""
        workspace = self.workspace
        view, model, undo_stack = workspace.view, workspace.model, workspace.undo_stack
        notes = self.notes(note_ids)
        if view is None or model is None or not notes:
            return
        workspace.save_typing()
        if row is None:
            current = view.current_card_id()
            current_row = model.row_of(current) if current else None
            row = current_row + 1 if current_row is not None else model.rowCount()
        undo_stack.beginMacro("Insert notes as cards" if len(notes) > 1 else "Insert note as card")
        for offset, note in enumerate(notes):
            workspace.push(undo_commands.InsertCard(model, row + offset, Card(note.text)))
        undo_stack.endMacro()
        if row < model.rowCount():  # not when saving failed (the window's banner says so)
            view.go_to_card(model.card_at(row).id)
