"""Finding notes: by meaning and by the words typed, together; and notes related to a paragraph.

``search_notes`` and ``related_notes`` are pure (numpy over vectors the caller already
has), so the GUI can run them on its own thread in well under a millisecond per
thousand notes. ``search_project_notes`` and ``related_project_notes`` do the whole
thing with a ``Project`` and an ``Embedder`` for the command line.

How a search scores a note
--------------------------
``score = cosine + TEXT_BOOST * text_match``, where ``cosine`` is the cosine between
the query's and the note's embeddings (0 when no query vector is given yet), and
``text_match`` is in [0, 1]:

- 1.0 when the query's words occur in the note as a run, in order (case and
  punctuation ignored; the note's source and tags count as part of it);
- otherwise ``PARTIAL_WEIGHT`` times the share of the query's content words (stopwords
  left out, unless the query is nothing but stopwords) that the note contains, a whole
  word counting 1 and a word that merely starts with it (the one still being typed:
  "light" in "lighthouse") counting one half.

A note is a hit when it matches some text or its cosine reaches ``min_cosine``. So a
word typed from a note finds that note even when the meaning score is low, and an
exact phrase outranks all but very close meaning matches.

The empty query
---------------
A query with no word in it (empty, spaces, punctuation) returns no hits: the caller
shows its ordinary list of notes instead. Searching is a filter, not a second listing.

Thresholds (all-MiniLM-L6-v2, measured on benchmarks/data/dev_paragraphs.jsonl)
--------------------------------------------------------------------------------
Between paragraphs of different novels the cosine has median 0.26 and 90th
percentile 0.38 (same novel: median 0.38), so related notes need 0.4. A short query
against a ~100-word note scores lower (0.3 to 0.36 for the right paragraph), so
meaning alone makes a search hit from 0.3. Both are arguments, so callers can tune.

Short queries (benchmarks/note_search_quality.py, tuned on the tune half of
benchmarks/data/note_search.jsonl): a word or two typed alone ("superstition", "wet
wool") is where MiniLM is least sure; the right note scores 0.2 to 0.3, under the bar
of a longer query, and the wrong ones little less. So a short query is embedded as
``expand_query`` sets it ("a superstition": +0.05 to +0.08 for the right note, which
then ranks first in every tune query) and meaning alone makes it a hit from 0.25.
Word queries went from 67% to 100% hits@1 on both halves.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cardwriter.domain.model import Note
from cardwriter.embedding.embedder import Embedder
from cardwriter.embedding.tokens import words
from cardwriter.services.project_embeddings import project_embedder
from cardwriter.storage.project import Project

TEXT_BOOST = 0.6  # what a full phrase match adds to the cosine
PARTIAL_WEIGHT = 0.75  # text_match of a note holding every content word, but not as a run
PREFIX_CREDIT = 0.5  # a query word that only starts a note word counts this much
MIN_PREFIX = 3  # shorter words are not matched as prefixes ("a" starts half the language)
SEARCH_MIN_COSINE = 0.3  # meaning alone must reach this for a hit
SHORT_QUERY_WORDS = 2  # a query of this many content words or fewer is "short"
SHORT_QUERY_MIN_COSINE = 0.25  # ... and meaning alone makes a hit for it from here
SHORT_QUERY_TEMPLATE = "a {}"  # what a short query is embedded as (see expand_query)
RELATED_MIN_COSINE = 0.4  # above 90% of cosines between dev paragraphs of different novels (0.38)

STOPWORDS = frozenset(
    """a an and are as at be but by for from had has have he her his i in into is it its
    me my no not of on or our she so than that the their them then there they this to
    was we were what when which who with you your""".split()
)


@dataclass(frozen=True)
class NoteHit:
    """A note found, with why: ``score`` ranks, ``cosine`` and ``text_match`` explain it."""

    note: Note
    index: int  # position of the note in the list searched
    score: float
    cosine: float
    text_match: float


def search_notes(
    query: str,
    notes: Sequence[Note],
    note_vectors: np.ndarray | None,
    query_vector: np.ndarray | None,
    limit: int = 20,
    *,
    min_cosine: float | None = None,
    note_words: Sequence[NoteWords] | None = None,
) -> list[NoteHit]:
    """The notes best matching ``query`` by meaning and words, best first, at most ``limit``.

    ``note_vectors`` has one unit-norm row per note, in order; ``query_vector`` is the
    query's unit-norm embedding. Either may be ``None`` (vectors not ready yet): the
    search is then by words alone. Ties keep the notes' order. ``note_words``
    (``index_words(notes)``, one per note) spares re-reading every note on each
    keystroke: keep it beside the vectors and rebuild an entry when its note changes.
    ``query_vector`` should embed ``expand_query(query)``; ``min_cosine`` is by default
    ``SHORT_QUERY_MIN_COSINE`` for a short query and ``SEARCH_MIN_COSINE`` otherwise.
    """
    if min_cosine is None:
        min_cosine = SHORT_QUERY_MIN_COSINE if is_short_query(query) else SEARCH_MIN_COSINE
    query_words = words(query)
    if not query_words or limit <= 0 or not notes:
        return []
    if note_words is None:
        note_words = index_words(notes)
    elif len(note_words) != len(notes):
        raise ValueError(f"note_words must have one entry per note ({len(notes)}), got {len(note_words)}")
    cosines = _cosines(notes, note_vectors, query_vector)
    content = [w for w in query_words if w not in STOPWORDS] or query_words
    hits = []
    for i, note in enumerate(notes):
        match = text_match(query_words, content, note_words[i])
        cosine = float(cosines[i])
        if match > 0 or (query_vector is not None and cosine >= min_cosine):
            hits.append(NoteHit(note, i, cosine + TEXT_BOOST * match, cosine, match))
    hits.sort(key=lambda h: (-h.score, h.index))
    return hits[:limit]


def related_notes(
    paragraph_vector: np.ndarray,
    notes: Sequence[Note],
    note_vectors: np.ndarray,
    k: int = 3,
    min_cosine: float = RELATED_MIN_COSINE,
    *,
    paragraph: str | None = None,
) -> list[NoteHit]:
    """The ``k`` notes nearest to a paragraph by meaning, at least ``min_cosine`` close.

    Notes whose text equals ``paragraph`` (ignoring surrounding and repeated whitespace)
    are left out: a paragraph saved as a note is not news about itself. When
    ``paragraph`` is not given, notes with a cosine of 0.9999 or more are left out
    instead.
    """
    if k <= 0 or not notes:
        return []
    cosines = _cosines(notes, note_vectors, paragraph_vector)
    same = _squash(paragraph) if paragraph is not None else None
    hits = []
    for i, note in enumerate(notes):
        cosine = float(cosines[i])
        if cosine < min_cosine:
            continue
        if (same is not None and _squash(note.text) == same) or (same is None and cosine >= 0.9999):
            continue
        hits.append(NoteHit(note, i, cosine, cosine, 0.0))
    hits.sort(key=lambda h: (-h.score, h.index))
    return hits[:k]


def is_short_query(query: str) -> bool:
    """A word or two (stopwords aside): what MiniLM embeds least surely, so it is expanded."""
    content = [w for w in words(query) if w not in STOPWORDS]
    return 0 < len(content) <= SHORT_QUERY_WORDS


def expand_query(query: str) -> str:
    """The text to embed for ``query``: a short one is set in ``SHORT_QUERY_TEMPLATE``, others as typed."""
    query = " ".join(query.split())
    return SHORT_QUERY_TEMPLATE.format(query) if is_short_query(query) else query


@dataclass(frozen=True)
class NoteWords:
    """A note's words (text, source and tags), read once: in order, and sorted without repeats."""

    sequence: tuple[str, ...]
    vocabulary: tuple[str, ...]  # sorted, distinct: prefixes are found by bisection

    @classmethod
    def of(cls, note: Note) -> NoteWords:
        seq = tuple(words(" ".join([note.text, note.source, *note.tags])))
        return cls(seq, tuple(sorted(set(seq))))

    def has(self, word: str) -> bool:
        i = bisect.bisect_left(self.vocabulary, word)
        return i < len(self.vocabulary) and self.vocabulary[i] == word

    def has_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.vocabulary, prefix)
        return i < len(self.vocabulary) and self.vocabulary[i].startswith(prefix)


def index_words(notes: Sequence[Note]) -> list[NoteWords]:
    """``NoteWords`` for each note, in order."""
    return [NoteWords.of(note) for note in notes]


def text_match(query_words: Sequence[str], content_words: Sequence[str], note: NoteWords) -> float:
    """How well a note's words hold the query's, in [0, 1]; see the module notes."""
    if not query_words or not note.sequence:
        return 0.0
    if all(note.has(w) for w in query_words):
        n, seq, first = len(query_words), note.sequence, query_words[0]
        target = tuple(query_words)
        if any(seq[i] == first and seq[i : i + n] == target for i in range(len(seq) - n + 1)):
            return 1.0
    credit = 0.0
    for word in content_words:
        if note.has(word):
            credit += 1.0
        elif len(word) >= MIN_PREFIX and note.has_prefix(word):
            credit += PREFIX_CREDIT
    return PARTIAL_WEIGHT * credit / len(content_words) if content_words else 0.0


# -- with a project -------------------------------------------------------------


@dataclass(frozen=True)
class ProjectSearch:
    """What a project-level search found and what it cost."""

    hits: list[NoteHit]
    embedded: int  # note texts embedded now (not found in the project's cache)
    cached: int  # note texts whose vectors came from the cache


def note_matrix(project: Project, embedder: Embedder, notes: Sequence[Note]) -> tuple[np.ndarray, int, int]:
    """Vectors of ``notes`` through the project's cache: (matrix, embedded now, from cache)."""
    cached = project_embedder(project, embedder)
    matrix = cached.encode([n.text for n in notes])
    return matrix, cached.misses, cached.hits


def search_project_notes(project: Project, embedder: Embedder, query: str, limit: int = 10) -> ProjectSearch:
    """``search_notes`` over all of a project's notes; note vectors are cached in the file.

    The query itself is embedded each time and not stored, so searching does not grow
    the project file.
    """
    notes = project.notes()
    if not words(query) or not notes:
        return ProjectSearch([], 0, 0)
    matrix, embedded, cached = note_matrix(project, embedder, notes)
    query_vector = embedder.encode([expand_query(query)])[0]
    return ProjectSearch(search_notes(query, notes, matrix, query_vector, limit), embedded, cached)


def related_project_notes(project: Project, embedder: Embedder, paragraph: str, k: int = 3) -> ProjectSearch:
    """``related_notes`` for a paragraph over all of a project's notes."""
    notes = project.notes()
    if not paragraph.strip() or not notes:
        return ProjectSearch([], 0, 0)
    matrix, embedded, cached = note_matrix(project, embedder, notes)
    vector = embedder.encode([paragraph])[0]
    return ProjectSearch(related_notes(vector, notes, matrix, k, paragraph=paragraph), embedded, cached)


# -- helpers --------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def _cosines(notes: Sequence[Note], note_vectors: np.ndarray | None, vector: np.ndarray | None) -> np.ndarray:
    if note_vectors is None or vector is None:
        return np.zeros(len(notes), dtype=np.float32)
    matrix = np.asarray(note_vectors, dtype=np.float32)
    vec = np.asarray(vector, dtype=np.float32).reshape(-1)
    if matrix.ndim != 2 or matrix.shape[0] != len(notes):
        raise ValueError(f"note_vectors must have one row per note ({len(notes)}), got shape {matrix.shape}")
    if matrix.shape[1] != vec.shape[0]:
        raise ValueError(f"vectors differ in length: notes {matrix.shape[1]}, query {vec.shape[0]}")
    return matrix @ vec
