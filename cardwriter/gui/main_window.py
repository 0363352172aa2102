"""The main window: the draft's cards, the unfurled stack, the notes panel, menus and status."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from cardwriter.domain.model import Card, VariantKind, VariantState
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.errors import UserError
from cardwriter.gui import undo_commands
from cardwriter.gui.app_settings import AppSettings, Preferences
from cardwriter.gui.background import BackgroundCall
from cardwriter.gui.card_model import CardListModel, CardRole
from cardwriter.gui.draft_view import DraftView
from cardwriter.gui.generation_queue import GenerationQueue
from cardwriter.gui.notes_model import NotesModel
from cardwriter.gui.notes_panel import NotesPanel
from cardwriter.gui.settings_dialog import SettingsDialog
from cardwriter.gui.stack_tray import StackTray
from cardwriter.services import transfer
from cardwriter.services.draft_session import DraftSession
from cardwriter.services.stack_filling import FillRequest, FillResult, StackFiller
from cardwriter.services.note_finder import NoteFinder
from cardwriter.services.text_files import read_text_file, write_text_atomically
from cardwriter.storage.project import Project
from cardwriter.storage.project_file import SUFFIX

PAUSE_BEFORE_FILL_MS = 1500
RELATED_AFTER_MS = 400
RELATED_NOTES = 3
MIN_WORDS_TO_FILL = 4


@dataclass
class Backend:
    """What the window needs from the layers below, built by ``app.py``."""

    filler: StackFiller
    loader_for: Callable[[Preferences], Callable[[], object]]  # returns a function that loads a generator
    presets: list[str]
    angles: list[str]
    notes: NoteFinder  # search and related notes, run in a worker thread


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings, backend: Backend, project_path: str | Path | None = None):
        super().__init__()
        self.settings = settings
        self.backend = backend
        self.prefs = settings.preferences()
        self.project: Project | None = None
        self.session: DraftSession | None = None
        self.model: CardListModel | None = None
        self.view: DraftView | None = None
        self.undo_stack = QUndoStack(self)
        self._filled_for: dict[str, str] = {}  # card id -> text its stack was last filled from
        self._fill_all_total = 0

        self.setWindowTitle("Cardwriter")
        self.resize(1100, 760)
        self.tray = StackTray(backend.angles)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.placeholder = QLabel("Open or create a project to start writing.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.splitter.addWidget(self.placeholder)
        self.splitter.addWidget(self.tray)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self._build_notes_panel()
        self._build_status_bar()
        self._build_menus()
        self._connect_tray()

        self.queue = self._make_queue()
        self._pause_timer = QTimer(self, singleShot=True, interval=PAUSE_BEFORE_FILL_MS)
        self._pause_timer.timeout.connect(self._fill_after_pause)
        self._paused_card = ""
        if project_path is not None:
            self.open_project(Path(project_path))

    # -- building ------------------------------------------------------------

    def _build_notes_panel(self) -> None:
        dock = QDockWidget("Notes", self)
        dock.setObjectName("notes-dock")
        dock.setMinimumWidth(240)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.notes_dock = dock
        self.notes_panel: NotesPanel | None = None
        self.search_call = BackgroundCall(self)
        self.search_call.finished.connect(lambda result: self.notes_panel and self.notes_panel.show_results(*result))
        self.search_call.failed.connect(lambda message: self.statusBar().showMessage(f"Search failed: {message}", 6000))
        self.related_call = BackgroundCall(self)
        self.related_call.finished.connect(lambda notes: self.notes_panel and self.notes_panel.show_related(notes))
        self._related_timer = QTimer(self, singleShot=True, interval=RELATED_AFTER_MS)
        self._related_timer.timeout.connect(self._find_related)

    def _set_notes_panel(self) -> None:
        model = NotesModel(self.project, self)
        panel = NotesPanel(model, self.undo_stack)
        panel.search_requested.connect(self._search_notes)
        panel.combine_requested.connect(self.combine_notes)
        panel.associate_requested.connect(self.associate_note)
        panel.insert_requested.connect(lambda note_id: self.insert_notes_as_cards(None, [note_id]))
        panel.notes_changed.connect(self._related_timer.start)
        model.files_dropped.connect(lambda paths: self.add_note_files([Path(p) for p in paths]))
        old = self.notes_dock.widget()
        self.notes_dock.setWidget(panel)
        if old is not None:
            old.deleteLater()
        self.notes_panel = panel

    def _build_status_bar(self) -> None:
        self.model_label = QLabel("Model: starting…")
        self.queue_label = QLabel("")
        self.statusBar().addPermanentWidget(self.queue_label)
        self.statusBar().addPermanentWidget(self.model_label)

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New Project…", self.new_project_dialog, QKeySequence.StandardKey.New)
        self._action(file, "&Open Project…", self.open_project_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action(file, "Save &As…", self.save_as_dialog, QKeySequence.StandardKey.SaveAs)
        file.addSeparator()
        self._action(file, "&Import Text or Markdown…", self.import_dialog, "Ctrl+I")
        self._action(file, "Add &Notes from Files…", self.add_notes_dialog)
        export = file.addMenu("&Export")
        for label, fmt in (("Markdown…", "md"), ("Plain Text…", "txt"), ("Whole Project as JSON…", "json")):
            self._action(export, label, lambda _=False, fmt=fmt: self.export_dialog(fmt))
        file.addSeparator()
        self._action(file, "&Settings…", self.settings_dialog, QKeySequence.StandardKey.Preferences)
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        undo.triggered.disconnect()
        redo.triggered.disconnect()
        undo.triggered.connect(self.undo)
        redo.triggered.connect(self.redo)
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        self._action(edit, "New Card &Below", lambda: self.view and self.view.insert_card_below(), "Ctrl+Return")
        self._action(edit, "&Delete Card", lambda: self.view and self.view.delete_current(), "Ctrl+Shift+Backspace")
        self._action(edit, "Move Card &Up", lambda: self.view and self.view.move_current(-1), "Ctrl+Shift+Up")
        self._action(edit, "Move Card &Down", lambda: self.view and self.view.move_current(1), "Ctrl+Shift+Down")

        stack = bar.addMenu("&Stack")
        self.unfurl_action = self._action(stack, "&Unfurl Stack", self.toggle_tray, "Ctrl+Space")
        self.unfurl_action.setCheckable(True)
        self.unfurl_action.setChecked(True)
        self._action(stack, "&Generate Variants", self.generate_current, "Ctrl+G")
        self._action(stack, "&Fill All Stacks", self.fill_all, "Ctrl+Shift+G")
        self._action(stack, "&Cancel Generation", self.cancel_all, "Ctrl+.")
        self.accept_shortcuts = []
        for n in range(1, 5):
            action = self._action(stack, f"Accept Variant {n}", lambda _=False, n=n: self.accept_shown(n - 1), f"Alt+{n}")
            self.accept_shortcuts.append(action)

        self.drafts_menu = bar.addMenu("&Drafts")
        self.drafts_menu.aboutToShow.connect(self._fill_drafts_menu)

    def _connect_tray(self) -> None:
        t = self.tray
        t.accept_requested.connect(lambda c, v: self._push_stack(undo_commands.accept(self.model, c, v)))
        t.pin_requested.connect(lambda c, v, p: self._push_stack(undo_commands.pin(self.model, c, v, p)))
        t.discard_requested.connect(lambda c, v: self._push_stack(undo_commands.discard(self.model, c, v)))
        t.refine_requested.connect(self.refine)
        t.generate_requested.connect(lambda c, k, a: self.generate(c, VariantKind(k), a or None))
        t.cancel_requested.connect(lambda c: self.queue.cancel(c))

    def _make_queue(self) -> GenerationQueue:
        queue = GenerationQueue(self.backend.loader_for(self.prefs), self)
        queue.model_state.connect(self._model_state)
        queue.started.connect(lambda key: self.model and self.model.set_busy(key, True))
        queue.piece.connect(self._piece)
        queue.finished.connect(self._finished)
        queue.failed.connect(self._failed)
        queue.cancelled.connect(self._cancelled)
        queue.queue_changed.connect(self._queue_changed)
        queue.start()
        return queue

    # -- projects ------------------------------------------------------------

    def open_project(self, path: Path) -> bool:
        try:
            project = Project.open(path) if path.exists() else Project.create(path)
        except UserError as exc:
            self._warn("Cannot open project", str(exc))
            return False
        self._set_project(project)
        return True

    def _set_project(self, project: Project) -> None:
        self.close_project()
        self.project = project
        if not project.drafts():
            project.add_draft(draft_from_text(Path(project.path).stem, ""))
        self.settings.add_recent(str(Path(project.path).resolve()))
        self._set_notes_panel()
        self.show_draft(project.drafts()[0].id)

    def show_draft(self, draft_id: str) -> None:
        if self.view is not None:
            self.view.save_typing()
        self.queue.cancel_all()
        self.undo_stack.clear()
        self.session = DraftSession(self.project, draft_id)
        if not self.session.cards:  # an empty draft still has one card to type into
            self.session.insert(0, Card(""))
        self.model = CardListModel(self.session, self)
        self.model.dataChanged.connect(self._model_data_changed)
        self.model.note_dropped_on_card.connect(self.recombine_with_notes)
        self.model.note_dropped_between.connect(self.insert_notes_as_cards)
        view = DraftView(self.model, self.undo_stack)
        view.current_card_changed.connect(self._current_card_changed)
        view.typing_paused.connect(self._typing_paused)
        old = self.splitter.widget(0)
        self.splitter.replaceWidget(0, view)
        old.deleteLater()
        self.view = view
        self.setWindowTitle(f"{self.session.draft.title} — {Path(self.project.path).name} — Cardwriter")
        view.setFocus()
        view.go_to_card(self.session.cards[0].id, 0)

    def close_project(self) -> None:
        if self.project is None:
            return
        if self.view is not None:
            self.view.save_typing()
        self.queue.cancel_all()
        self.undo_stack.clear()
        placeholder = QLabel("Open or create a project to start writing.")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if self.view is not None:
            self.splitter.replaceWidget(0, placeholder)
            self.view.deleteLater()
        self.view = self.model = self.session = None
        if self.notes_panel is not None:
            self.notes_dock.setWidget(QLabel("Open a project to see its notes."))
            self.notes_panel.deleteLater()
            self.notes_panel = None
        self.project.close()
        self.project = None
        self.tray.show_stack("", [], busy=False)

    def new_project_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New Project", "", f"Cardwriter projects (*{SUFFIX})")
        if not path:
            return
        path = Path(path if path.endswith(SUFFIX) else path + SUFFIX)
        try:
            project = Project.create(path)
        except UserError as exc:
            self._warn("Cannot create project", str(exc))
            return
        self._set_project(project)

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Project", "", f"Cardwriter projects (*{SUFFIX});;All files (*)")
        if path:
            self.open_project(Path(path))

    def save_as_dialog(self) -> None:
        if self.project is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save Project As", "", f"Cardwriter projects (*{SUFFIX})")
        if path:
            self.save_as(Path(path if path.endswith(SUFFIX) else path + SUFFIX))

    def save_as(self, target: Path) -> bool:
        """Copy the project to ``target`` and carry on working there."""
        self.view.save_typing()
        draft_id = self.session.draft.id
        try:
            self.project.copy_to(target)
            copy = Project.open(target)
        except UserError as exc:
            self._warn("Cannot save a copy", str(exc))
            return False
        self._set_project(copy)
        self.show_draft(draft_id)
        return True

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_projects():
            self._action(self.recent_menu, path, lambda _=False, p=path: self.open_project(Path(p)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def _fill_drafts_menu(self) -> None:
        self.drafts_menu.clear()
        if self.project is None:
            return
        for summary in self.project.drafts():
            action = self._action(
                self.drafts_menu, f"{summary.title} ({summary.card_count} cards)",
                lambda _=False, d=summary.id: self.show_draft(d),
            )
            action.setCheckable(True)
            action.setChecked(self.session is not None and summary.id == self.session.draft.id)

    # -- import and export ---------------------------------------------------

    def import_dialog(self) -> None:
        if self.project is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import", "", "Text and Markdown (*.md *.markdown *.txt);;All files (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        try:
            draft = transfer.import_draft(self.project, path)
        except UserError as exc:
            self._warn("Cannot import", str(exc))
            return
        self.show_draft(draft.id)
        self.statusBar().showMessage(f"Imported {path.name}: {len(draft.cards)} cards", 5000)

    def add_notes_dialog(self) -> None:
        if self.project is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, "Add Notes", "", "Text and Markdown (*.md *.markdown *.txt)")
        if paths:
            self.add_note_files([Path(p) for p in paths])

    def add_note_files(self, paths: list[Path]) -> None:
        """Files (dropped or chosen) become notes, one per file, in one undoable step."""
        notes, refused = [], []
        for path in paths:
            try:
                notes.extend(transfer.notes_from_text(read_text_file(path), str(path), split=False))
            except UserError as exc:
                refused.append(str(exc))
        if notes and self.notes_panel is not None:
            self.notes_panel.add_notes(notes)
        if refused:
            self._warn("Some files were not added", "\n".join(refused))

    def export_dialog(self, fmt: str) -> None:
        if self.project is None:
            return
        self.view.save_typing()
        suffix = {"md": ".md", "txt": ".txt", "json": ".json"}[fmt]
        name = (self.session.draft.title if fmt != "json" else Path(self.project.path).stem) + suffix
        path, _ = QFileDialog.getSaveFileName(self, "Export", name)
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> bool:
        try:
            text = transfer.export_project(self.project, fmt, None if fmt == "json" else self.session.draft.id)
            write_text_atomically(path, text)
        except UserError as exc:
            self._warn("Cannot export", str(exc))
            return False
        self.statusBar().showMessage(f"Exported to {path}", 5000)
        return True

    # -- undo ----------------------------------------------------------------

    def undo(self) -> None:
        if self.view is not None:
            self.view.save_typing()
        self.undo_stack.undo()
        self._after_undo_redo()

    def redo(self) -> None:
        if self.view is not None:
            self.view.save_typing()
        self.undo_stack.redo()
        self._after_undo_redo()

    def _after_undo_redo(self) -> None:
        if self.view is not None:
            self.view.refresh_editor()
            self._show_tray_for(self.view.current_card_id())

    def _push_stack(self, command) -> None:
        if self.view is not None:
            self.view.save_typing()
        self.undo_stack.push(command)
        self.view.refresh_editor()

    # -- the stack tray ------------------------------------------------------

    def toggle_tray(self) -> None:
        self.tray.setVisible(not self.tray.isVisible())
        self.unfurl_action.setChecked(self.tray.isVisible())

    def _current_card_changed(self, card_id: str) -> None:
        self._show_tray_for(card_id)
        self._related_timer.start()

    # -- notes ---------------------------------------------------------------

    def _search_notes(self, query: str) -> None:
        if not query or self.notes_panel is None:
            return
        notes, finder = self.notes_panel.model.all_notes(), self.backend.notes
        self.search_call.start(lambda: (query, finder.search(query, notes)))

    def _find_related(self) -> None:
        if self.notes_panel is None or self.view is None or not self.view.current_card_id():
            return
        text = self.session.card(self.view.current_card_id()).text
        notes, finder = self.notes_panel.model.all_notes(), self.backend.notes
        if len(text.split()) < MIN_WORDS_TO_FILL or not notes:
            self.notes_panel.show_related([])
            return
        self.related_call.start(lambda: finder.related(text, notes, RELATED_NOTES))

    def _notes(self, note_ids: list[str]) -> list:
        found = [self.notes_panel.model.note(i) for i in note_ids] if self.notes_panel else []
        return [n for n in found if n is not None]

    def recombine_with_notes(self, card_id: str, note_ids: list[str]) -> None:
        """A note dropped on a card: its stack gains variants that fuse the two."""
        notes = self._notes(note_ids)[:2]
        if notes:
            self.generate(card_id, VariantKind.RECOMBINE, None, notes=notes)
            self.statusBar().showMessage(f"Fusing {len(notes)} note{'s' if len(notes) > 1 else ''} into the paragraph…", 4000)

    def combine_notes(self, first_id: str, second_id: str) -> None:
        """What falls out of two notes: a new card below the current one, its stack filled from both."""
        notes = self._notes([first_id, second_id])
        if len(notes) == 2 and self.view is not None:
            card_id = self.view.insert_card_below()
            self.generate(card_id, VariantKind.RECOMBINE, None, source="", notes=notes)

    def associate_note(self, note_id: str) -> None:
        """What does this note make you think of? A new card whose stack answers."""
        notes = self._notes([note_id])
        if notes and self.view is not None:
            card_id = self.view.insert_card_below()
            self.generate(card_id, VariantKind.CONTINUE, None, source=notes[0].text, notes=notes)

    def insert_notes_as_cards(self, row: int | None, note_ids: list[str]) -> None:
        if self.view is None:
            return
        self.view.save_typing()
        if row is None:
            current = self.view.current_card_id()
            row = (self.model.row_of(current) + 1) if current else self.model.rowCount()
        notes = self._notes(note_ids)
        if not notes:
            return
        self.undo_stack.beginMacro("Insert notes as cards" if len(notes) > 1 else "Insert note as card")
        for offset, note in enumerate(notes):
            self.undo_stack.push(undo_commands.InsertCard(self.model, row + offset, Card(note.text)))
        self.undo_stack.endMacro()
        self.view.go_to_card(self.model.card_at(row).id)

    def _model_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        if self.view is None:
            return
        current = self.view.current_card_id()
        for row in range(top_left.row(), bottom_right.row() + 1):
            if self.model.card_at(row).id == current:
                self._show_tray_for(current)

    def _show_tray_for(self, card_id: str) -> None:
        if not card_id or self.model is None or self.model.row_of(card_id) is None:
            self.tray.show_stack("", [], busy=False)
            return
        index = self.model.index_of_card(card_id)
        self.tray.show_stack(card_id, index.data(CardRole.STACK), busy=self.queue.is_queued(card_id))

    def accept_shown(self, n: int) -> None:
        if n < len(self.tray.tiles):
            self.tray._accept(self.tray.tiles[n].variant)

    # -- generation ----------------------------------------------------------

    def generate_current(self) -> None:
        if self.view is not None and self.view.current_card_id():
            self.generate(self.view.current_card_id(), VariantKind.REWRITE, None)

    def generate(self, card_id: str, kind: VariantKind, angle: str | None, source: str | None = None,
                 parent_id: str | None = None, notes: list | None = None) -> None:
        """Queue a fill of ``card_id``'s stack; the inputs are copied now, before the job runs."""
        if self.session is None or self.session.index_of(card_id) is None:
            return
        self.view.save_typing()
        card = self.session.card(card_id)
        notes = notes or []
        source = card.text if source is None else source
        if not source.strip() and len(notes) < 2:
            self.statusBar().showMessage("Write something in the card first.", 4000)
            return
        before, after = self.session.neighbours(card_id)
        request = FillRequest(
            source=source,
            kind=kind,
            angle=angle,
            wanted=self.prefs.variants_shown,
            overgenerate=self.prefs.overgenerate,
            preset=self.prefs.preset,
            seed=random.randrange(1 << 30),
            before=before,
            after=after,
            existing=tuple(v.text for v in card.variants) + (card.text,),
            parent_id=parent_id,
            notes=tuple(n.text for n in notes),
            note_ids=tuple(n.id for n in notes),
            duplicate_cosine=self.prefs.dedup_threshold,
        )
        filler = self.backend.filler
        token = (card_id, card.text)
        self._filled_for[card_id] = card.text
        self.queue.submit(card_id, lambda gen, cancel, on_piece: filler.fill(gen, request, cancel, on_piece), token)
        self.model.set_busy(card_id, True)
        self._show_tray_for(card_id)

    def refine(self, card_id: str, variant_id: str) -> None:
        card = self.session.card(card_id)
        variant = next((v for v in card.variants if v.id == variant_id), None)
        if variant is not None:
            self.generate(card_id, variant.provenance.kind if variant.provenance.kind is not VariantKind.ORIGINAL
                          else VariantKind.REWRITE, variant.provenance.angle, source=variant.text, parent_id=variant.id)

    def fill_all(self) -> None:
        if self.session is None:
            return
        todo = [c.id for c in self.session.cards if len(c.text.split()) >= MIN_WORDS_TO_FILL and not c.stack()]
        self._fill_all_total = len(todo)
        for card_id in todo:
            self.generate(card_id, VariantKind.REWRITE, None)
        if not todo:
            self.statusBar().showMessage("Every paragraph already has a stack.", 4000)

    def cancel_all(self) -> None:
        self.queue.cancel_all()
        self._fill_all_total = 0

    def _typing_paused(self, card_id: str) -> None:
        self._paused_card = card_id
        self._pause_timer.start()

    def _fill_after_pause(self) -> None:
        card_id = self._paused_card
        if not self.prefs.background_fill or self.session is None or self.session.index_of(card_id) is None:
            return
        card = self.session.card(card_id)
        if len(card.text.split()) >= MIN_WORDS_TO_FILL and self._filled_for.get(card_id) != card.text:
            self.generate(card_id, VariantKind.REWRITE, None)

    def _piece(self, card_id: str, sequence: int, text: str) -> None:
        if self.model is not None and self.model.row_of(card_id) is not None:
            self.model.set_streaming(card_id, sequence, text)

    def _finished(self, card_id: str, result: FillResult, token) -> None:
        if self.model is None:
            return
        self.model.clear_streaming(card_id)
        self.model.set_busy(card_id, False)
        expected_id, expected_text = token
        row = self.model.row_of(card_id)
        if row is None or card_id != expected_id:
            self.statusBar().showMessage("Variants for a deleted card were dropped.", 4000)
            return
        if self.model.card_at(row).text != expected_text:
            self.statusBar().showMessage("The paragraph changed while its variants were written; they were dropped.", 5000)
            return
        self.model.add_variants(card_id, result.variants)
        if result.shortfall:
            self.statusBar().showMessage(
                f"Found {len(result.variants)} variants worth showing; the other candidates repeated "
                "the stack or drifted off topic.",
                6000,
            )
        self._show_tray_for(self.view.current_card_id())

    def _failed(self, card_id: str, message: str) -> None:
        if self.model is not None:
            self.model.clear_streaming(card_id)
            self.model.set_busy(card_id, False)
        self.statusBar().showMessage(f"Could not write variants: {message}", 8000)
        self._filled_for.pop(card_id, None)

    def _cancelled(self, card_id: str) -> None:
        if self.model is not None and self.model.row_of(card_id) is not None:
            self.model.clear_streaming(card_id)
            self.model.set_busy(card_id, False)
        self._filled_for.pop(card_id, None)

    def _queue_changed(self, pending: int) -> None:
        if pending == 0:
            self._fill_all_total = 0
            self.queue_label.setText("")
        elif self._fill_all_total:
            done = max(0, self._fill_all_total - pending)
            self.queue_label.setText(f"Filling stacks: {done} of {self._fill_all_total}")
        else:
            self.queue_label.setText(f"Writing variants for {pending} card{'s' if pending != 1 else ''}")
        if self.view is not None:
            self._show_tray_for(self.view.current_card_id())

    def _model_state(self, state: str, detail: str) -> None:
        if state == "loading":
            self.model_label.setText("Model: loading…")
        elif state == "ready":
            self.model_label.setText(f"Model: {detail} ready")
        else:
            self.model_label.setText("Model: failed to load")
            self.model_label.setToolTip(detail)
            self.statusBar().showMessage(f"The model could not be loaded: {detail}. You can keep writing.", 15000)
        self.model_label.setProperty("state", state)

    # -- settings ------------------------------------------------------------

    def settings_dialog(self) -> None:
        dialog = SettingsDialog(self.prefs, self.backend.presets, self)
        if dialog.exec():
            self.apply_preferences(dialog.preferences(self.prefs))

    def apply_preferences(self, prefs: Preferences) -> None:
        model_changed = (prefs.model_source, prefs.model_path, prefs.server_url) != (
            self.prefs.model_source, self.prefs.model_path, self.prefs.server_url)
        self.prefs = prefs
        self.settings.save_preferences(prefs)
        if model_changed:
            self.queue.shutdown()
            self.queue = self._make_queue()

    # -- closing -------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_project()
        self.queue.shutdown()
        BackgroundCall.wait_for_all()
        super().closeEvent(event)

    def _warn(self, title: str, message: str) -> None:
        """Tell the writer what went wrong, without stopping the event loop (and the model's progress)."""
        self.last_warning = message
        self.statusBar().showMessage(message, 10000)
        if self.isVisible():
            box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            self.warning_box = box

    last_warning = ""
    warning_box: QMessageBox | None = None
