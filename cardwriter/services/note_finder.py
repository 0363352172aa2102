"""Finding notes for the GUI: search by meaning and words, and the notes near a paragraph.

Both calls are pure over the notes they are given and safe to run in a
worker thread; the embedder caches vectors so a note is embedded once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cardwriter.domain.model import Note
from cardwriter.embedding.embedder import Embedder

MIN_SEARCH_COSINE = 0.25  # below this a note is not a match by meaning
MIN_RELATED_COSINE = 0.25  # below this a note is not "near" a paragraph (MiniLM: related prose scores 0.3-0.5)
WORD_MATCH_BONUS = 0.5  # a note containing every word of the query ranks above meaning-only matches


class NoteFinder:
    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def search(self, query: str, notes: Sequence[Note], limit: int = 50) -> list[str]:
        """Ids of the notes matching ``query`` by meaning or by its words, best first."""
        query = query.strip()
        if not query or not notes:
            return []
        vectors = self.embedder.encode([query, *(n.text for n in notes)])
        scores = vectors[1:] @ vectors[0]
        words = query.lower().split()
        for i, note in enumerate(notes):
            haystack = f"{note.text} {note.source} {' '.join(note.tags)}".lower()
            if all(w in haystack for w in words):
                scores[i] += WORD_MATCH_BONUS
        order = np.argsort(-scores, kind="stable")
        return [notes[i].id for i in order[:limit] if scores[i] >= MIN_SEARCH_COSINE]

    def related(self, text: str, notes: Sequence[Note], k: int = 3) -> list[Note]:
        """The ``k`` notes nearest in meaning to a paragraph (never the paragraph itself)."""
        candidates = [n for n in notes if n.text.strip() != text.strip()]
        if not text.strip() or not candidates:
            return []
        vectors = self.embedder.encode([text, *(n.text for n in candidates)])
        scores = vectors[1:] @ vectors[0]
        order = np.argsort(-scores, kind="stable")
        return [candidates[i] for i in order[:k] if scores[i] >= MIN_RELATED_COSINE]
