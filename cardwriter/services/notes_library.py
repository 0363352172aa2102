"""The notes library: the one way the GUI and the command line read and change a project's notes.

Cards change through ``DraftSession``; notes change here. The GUI's undo commands
describe a change as the notes before and after it (``replace``), so undo and redo
are the same call with the two sides swapped, one transaction each. Searching by
meaning goes through the project file's embedding cache (``note_search``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cardwriter.domain.model import Note
from cardwriter.embedding.embedder import Embedder
from cardwriter.services import transfer
from cardwriter.services.note_search import ProjectSearch, related_project_notes, search_project_notes
from cardwriter.storage.project import Project


class NotesLibrary:
    """A project's notes, oldest first."""

    def __init__(self, project: Project):
        self.project = project

    # -- reading -------------------------------------------------------------

    def notes(self) -> list[Note]:
        return self.project.notes()

    def search(self, embedder: Embedder, query: str, limit: int = 10) -> ProjectSearch:
        """The notes best matching ``query`` by meaning and words (see ``note_search``)."""
        return search_project_notes(self.project, embedder, query, limit=limit)

    def related(self, embedder: Embedder, paragraph: str, k: int = 3) -> ProjectSearch:
        """The ``k`` notes nearest in meaning to ``paragraph``."""
        return related_project_notes(self.project, embedder, paragraph, k=k)

    # -- changing ------------------------------------------------------------

    def add_files(self, paths: Sequence[Path], split: bool = False) -> transfer.NotesImport:
        """Each Markdown or text file (or each inside a folder) as a note, or one per paragraph with ``split``.

        Files that cannot be read are listed in the result's ``refused``; the others are
        added together.
        """
        return transfer.add_notes_from_paths(self.project, list(paths), split=split)

    def replace(self, before: Sequence[Note], after: Sequence[Note]) -> None:
        """Turn the notes ``before`` into the notes ``after``, in one transaction.

        A note only in ``before`` is deleted, one only in ``after`` is added (with its
        id, so an undone delete brings back the same note), one in both is updated.
        Adding is ``replace([], new)``, deleting ``replace(old, [])``, editing
        ``replace([old], [new])``; undo is the same call with the sides swapped.
        """
        after_ids = {n.id for n in after}
        with self.project.transaction():
            for note in before:
                if note.id not in after_ids:
                    self.project.delete_note(note.id)
            existing = {n.id for n in self.project.notes()}
            self.project.add_notes([n for n in after if n.id not in existing])
            for note in after:
                if note.id in existing:
                    self.project.update_note(note)
