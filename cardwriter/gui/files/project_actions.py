"""Project-level commands with their file dialogs: new, open, Save As, import, export, notes from files.

Each command asks the services to do the work, and tells the writer (through
the workspace's ``say`` and ``warn``) when it could not. Opening follows one
rule: a project goes into Recent only once it has opened and its draft is on
screen, so a project the app cannot show is never reopened at the next start;
instead ``start_requested`` asks for the start panel with the reason. Before a
project is shown, text that could not be saved to it last time is offered back
from the recovery ``journal`` (``recovery_dialog``). Notes read from files go
out on ``notes_read`` to whoever holds the notes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from cardwriter.errors import UserError
from cardwriter.gui.files.pdf_export import draft_pdf_bytes
from cardwriter.gui.files.recovery_dialog import offer_recovery, repairs_notice
from cardwriter.gui.workspace import Workspace
from cardwriter.services import backup, transfer
from cardwriter.services.documents import exchange
from cardwriter.services.projects import PROJECT_SUFFIX as SUFFIX
from cardwriter.services.projects import Project
from cardwriter.services.recovery import RecoveryJournal
from cardwriter.services.text_files import read_text_file, write_text_atomically

log = logging.getLogger(__name__)

PROJECT_FILTER = f"Cardwriter projects (*{SUFFIX})"
TEXT_FILTER = "Text and Markdown (*.md *.markdown *.txt)"
IMPORT_FILTER = "Text, Markdown, Word and ODF (*.md *.markdown *.txt *.docx *.odt)"
EXPORT_SUFFIX = {
    "md": ".md",
    "txt": ".txt",
    "json": ".json",
    "docx": ".docx",
    "odt": ".odt",
    "html": ".html",
    "pdf": ".pdf",
}


def with_suffix(path: str) -> Path:
    return Path(path if path.endswith(SUFFIX) else path + SUFFIX)


class ProjectActions(QObject):
    start_requested = Signal(str)  # no project is open: show the start panel, saying why (a failed open)
    notes_read = Signal(list)  # Notes read from files (Add Notes, files dropped): to go into the notes, undoably

    def __init__(self, workspace: Workspace, journal: RecoveryJournal | None = None, parent: QObject | None = None):
        """``journal``: where text that could not be saved waits (``SaveGuard`` writes it), offered back on opening."""
        super().__init__(parent if parent is not None else workspace)
        self.workspace = workspace
        self.journal = journal or RecoveryJournal()

    # -- opening -------------------------------------------------------------

    def open_path(self, path: Path, create: bool = False) -> bool:
        """Open the project at ``path`` (or create it there, if asked and it is missing)."""
        try:
            if path.exists():
                project = Project.open(path)
            elif create:
                project = Project.create(path)
            else:
                raise UserError(f"{path} does not exist (moved or deleted?)")
        except UserError as exc:
            log.warning("cannot open %s: %s", path, exc)
            self._cannot_open(path, str(exc))
            return False
        return self.adopt(project)

    def adopt(self, project: Project, draft_id: str | None = None) -> bool:
        """Offer back its unsaved text from last time, show an opened project; only then does it go into Recent."""
        path = Path(project.path)
        ws = self.workspace
        recovered, problem = offer_recovery(project, self.journal, ws.dialog_parent)
        try:
            ws.open_project(project, draft_id)
        except Exception as exc:  # a project the app cannot show must not take the app down
            log.exception("cannot show the project %s", path)
            ws.close_project()
            project.close()  # closing twice is harmless; the workspace may not have taken it yet
            self._cannot_open(path, f"its draft could not be loaded ({type(exc).__name__}: {exc})")
            return False
        ws.settings.add_recent(str(path.resolve()))
        if problem:
            ws.warn("Unsaved text from last time", recovered)
        notice = " ".join(part for part in (recovered if not problem else "", repairs_notice(project)) if part)
        if notice:
            ws.say(notice, 20000)
        return True

    def _cannot_open(self, path: Path, reason: str) -> None:
        message = f"Cannot open {path.name}: {reason}"
        if self.workspace.project is None:
            self.start_requested.emit(message)
        self.workspace.warn("Cannot open project", message)

    def new_project_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.workspace.dialog_parent, "New Project", "", PROJECT_FILTER)
        if path:
            self.new_project(with_suffix(path))

    def new_project(self, path: Path) -> bool:
        try:
            project = Project.create(path)
        except UserError as exc:
            self.workspace.warn("Cannot create project", str(exc))
            return False
        return self.adopt(project)

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.workspace.dialog_parent, "Open Project", "", f"{PROJECT_FILTER};;All files (*)"
        )
        if path:
            self.open_path(Path(path))

    # -- Save As ---------------------------------------------------------------

    def save_as_dialog(self) -> None:
        if self.workspace.project is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.workspace.dialog_parent, "Save Project As", "", PROJECT_FILTER)
        if path:
            self.save_as(with_suffix(path))

    def save_as(self, target: Path) -> bool:
        """Copy the project to ``target`` and carry on working there, in the same draft."""
        ws = self.workspace
        if ws.project is None or ws.session is None:  # only offered with a draft open
            return False
        ws.save_typing()
        draft_id = ws.session.draft.id
        try:
            backup.save_copy(ws.project, target)
            copy = Project.open(target)
        except UserError as exc:
            ws.warn("Cannot save a copy", str(exc))
            return False
        return self.adopt(copy, draft_id)

    # -- import and export -------------------------------------------------------

    def import_dialog(self) -> None:
        if self.workspace.project is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self.workspace.dialog_parent, "Import", "", f"{IMPORT_FILTER};;All files (*)"
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        """A text, Markdown, .docx or .odt file becomes a new draft, shown at once (saying what was skipped)."""
        project = self.workspace.project
        if project is None:  # only offered with a project open
            return False
        skipped = ""
        try:
            if exchange.is_document(path):
                draft, skipped = exchange.import_document(project, path)
            else:
                draft = transfer.import_draft(project, path)
        except UserError as exc:
            self.workspace.warn("Cannot import", str(exc))
            return False
        self.workspace.show_draft(draft.id)
        note = f"; skipped {skipped}" if skipped else ""
        self.workspace.say(f"Imported {path.name}: {len(draft.cards)} cards{note}", 10000)
        return True

    def export_dialog(self, fmt: str) -> None:
        ws = self.workspace
        if ws.project is None or ws.session is None:
            return
        ws.save_typing()
        stem = ws.session.draft.title if fmt != "json" else Path(ws.project.path).stem
        path, _ = QFileDialog.getSaveFileName(ws.dialog_parent, "Export", stem + EXPORT_SUFFIX[fmt])
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> bool:
        ws = self.workspace
        if ws.project is None or ws.session is None:  # only offered with a draft open
            return False
        ws.save_typing()
        try:
            if fmt in exchange.DOCUMENT_FORMATS:
                exchange.export_document(ws.project, path, fmt, ws.session.draft.id, draft_pdf_bytes)
            else:
                text = transfer.export_project(ws.project, fmt, None if fmt == "json" else ws.session.draft.id)
                write_text_atomically(path, text)
        except UserError as exc:
            ws.warn("Cannot export", str(exc))
            return False
        ws.say(f"Exported to {path}", 5000)
        return True

    # -- notes from files ----------------------------------------------------------

    def add_notes_dialog(self) -> None:
        if self.workspace.project is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self.workspace.dialog_parent, "Add Notes", "", TEXT_FILTER)
        if paths:
            self.add_note_files([Path(p) for p in paths])

    def add_note_files(self, paths: list[Path]) -> int:
        """Files (dropped or chosen) become notes, one per file, sent on ``notes_read`` at once; returns how many."""
        notes, refused = [], []
        for path in paths:
            try:
                notes.extend(transfer.notes_from_text(read_text_file(path), str(path), split=False))
            except UserError as exc:
                refused.append(str(exc))
        if notes:
            self.notes_read.emit(notes)
        if refused:
            self.workspace.warn("Some files were not added", "\n".join(refused))
        return len(notes)
