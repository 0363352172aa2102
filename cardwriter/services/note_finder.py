"""Finding notes for the GUI: search by meaning and words, and the notes near a paragraph.

A thin layer over ``note_search`` (where the scoring and thresholds are
defined) that embeds what it needs. Both calls are pure over the notes they
are given and safe in a worker thread: the embedder is an in-memory
``CachedEmbedder``, so each note is embedded once per session. They never
touch the project file, whose connection belongs to the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from cardwriter.domain.model import Note
from cardwriter.embedding.embedder import Embedder
from cardwriter.services.note_search import expand_query, related_notes, search_notes


class NoteFinder:
    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def search(self, query: str, notes: Sequence[Note], limit: int = 50) -> list[str]:
        """Ids of the notes matching ``query`` by meaning or by its words, best first."""
        if not query.strip() or not notes:
            return []
        vectors = self.embedder.encode([expand_query(query), *(n.text for n in notes)])
        return [hit.note.id for hit in search_notes(query, notes, vectors[1:], vectors[0], limit)]

    def related(self, text: str, notes: Sequence[Note], k: int = 3) -> list[Note]:
        """The ``k`` notes nearest in meaning to a paragraph (never the paragraph itself)."""
        if not text.strip() or not notes:
            return []
        vectors = self.embedder.encode([text, *(n.text for n in notes)])
        return [hit.note for hit in related_notes(vectors[0], notes, vectors[1:], k, paragraph=text)]
