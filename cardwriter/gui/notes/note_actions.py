"""Notes meet the draft: search and related notes in the background, notes dropped on or between cards.

The notes panel only shows and edits notes; what a note does to the draft
(fuse into a card, become a card, seed a new one) happens here, through the
generation controller and the undo stack, like every other change.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel

from cardwriter.domain.model import Card, Note, VariantKind
from cardwriter.gui.common.background import BackgroundCall
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.notes.notes_model import NotesModel
from cardwriter.gui.notes.notes_panel import NotesPanel
from cardwriter.gui.stack.generation_controller import MIN_WORDS_TO_FILL
from cardwriter.services.fusion_filters import ASSOCIATION
from cardwriter.services.note_finder import NoteFinder
from cardwriter.services.projects import Project

if TYPE_CHECKING:
    from cardwriter.gui.shell.main_window import MainWindow

RELATED_AFTER_MS = 400
RELATED_NOTES = 3


class NoteActions(QObject):
    def __init__(self, window: MainWindow, finder: NoteFinder):
        super().__init__(window)
        self.window, self.finder = window, finder
        self.dock = QDockWidget("Notes", window)
        self.dock.setObjectName("notes-dock")
        self.dock.setMinimumWidth(240)
        self.dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.panel: NotesPanel | None = None
        self.search_call = BackgroundCall(self)
        self.search_call.finished.connect(lambda result: self.panel and self.panel.show_results(*result))
        self.search_call.failed.connect(
            lambda message: window.statusBar().showMessage(f"Search failed: {message}", 6000)
        )
        self.related_call = BackgroundCall(self)
        self.related_call.finished.connect(lambda notes: self.panel and self.panel.show_related(notes))
        self.related_timer = QTimer(self, singleShot=True, interval=RELATED_AFTER_MS)
        self.related_timer.timeout.connect(self.find_related)

    def attach(self, project: Project) -> None:
        """Show ``project``'s notes in the dock."""
        model = NotesModel(project, self)
        panel = NotesPanel(model, self.window.undo_stack)
        panel.search_requested.connect(self.search)
        panel.combine_requested.connect(self.combine_notes)
        panel.associate_requested.connect(self.associate_note)
        panel.insert_requested.connect(lambda note_id: self.insert_notes_as_cards(None, [note_id]))
        panel.notes_changed.connect(self.related_timer.start)
        model.files_dropped.connect(lambda paths: self.window.project_actions.add_note_files([Path(p) for p in paths]))
        self._replace_dock_widget(panel)
        self.panel = panel

    def detach(self) -> None:
        self.related_timer.stop()
        self.search_call.cancel()
        self.related_call.cancel()
        self._replace_dock_widget(QLabel("Open a project to see its notes."))
        self.panel = None

    def _replace_dock_widget(self, widget) -> None:
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
        self.search_call.start(lambda: (query, finder.search(query, notes)))

    def find_related(self) -> None:
        """Notes close in meaning to the current paragraph, found off the GUI thread."""
        view, session = self.window.view, self.window.session
        if self.panel is None or view is None or session is None or not view.current_card_id():
            return
        text = session.card(view.current_card_id()).text
        notes, finder = self.panel.model.all_notes(), self.finder
        if len(text.split()) < MIN_WORDS_TO_FILL or not notes:
            self.panel.show_related([])
            return
        self.related_call.start(lambda: finder.related(text, notes, RELATED_NOTES))

    # -- notes into the draft -----------------------------------------------------

    def recombine_with_notes(self, card_id: str, note_ids: list[str]) -> None:
        """A note dropped on a card: its stack gains variants that fuse the two."""
        notes = self.notes(note_ids)[:2]
        if notes and self.window.generation.generate(card_id, VariantKind.RECOMBINE, notes=notes):
            plural = "s" if len(notes) > 1 else ""
            self.window.statusBar().showMessage(f"Fusing {len(notes)} note{plural} into the paragraph…", 4000)

    def combine_notes(self, first_id: str, second_id: str) -> None:
        """What falls out of two notes: a new card below the current one, its stack filled from both."""
        notes = self.notes([first_id, second_id])
        if len(notes) == 2 and self.window.view is not None:
            card_id = self.window.view.insert_card_below()
            self.window.generation.generate(card_id, VariantKind.RECOMBINE, source="", notes=notes)

    def associate_note(self, note_id: str) -> None:
        """What does this note make you think of? A new card whose stack answers."""
        notes = self.notes([note_id])
        if notes and self.window.view is not None:
            card_id = self.window.view.insert_card_below()
            self.window.generation.generate(card_id, VariantKind.RECOMBINE, angle=ASSOCIATION, source="", notes=notes)

    def insert_notes_as_cards(self, row: int | None, note_ids: list[str]) -> None:
        """Notes become cards at ``row`` (below the current card when None), in one undoable step."""
        view, model, undo_stack = self.window.view, self.window.model, self.window.undo_stack
        notes = self.notes(note_ids)
        if view is None or model is None or not notes:
            return
        view.save_typing()
        if row is None:
            current = view.current_card_id()
            current_row = model.row_of(current) if current else None
            row = current_row + 1 if current_row is not None else model.rowCount()
        undo_stack.beginMacro("Insert notes as cards" if len(notes) > 1 else "Insert note as card")
        for offset, note in enumerate(notes):
            undo_stack.push(undo_commands.InsertCard(model, row + offset, Card(note.text)))
        undo_stack.endMacro()
        if row < model.rowCount():  # not when saving failed (the window's banner says so)
            view.go_to_card(model.card_at(row).id)
