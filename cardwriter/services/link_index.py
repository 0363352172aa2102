"""The link index: which notes and which other paragraphs each card of a project brings back.

It holds one MiniLM vector per text (cards of every draft, and notes), and from them
the link cards each card is offered (``domain.links``): its nearest notes
(``note_links``: cosine less half the note's hubness, from ``NOTE_LINK_MIN_SCORE``) and its echoes, other cards of
the project that say the same thing (``echoes.ECHO_MIN_SIMILARITY``, the figure the
command line's ``cardwriter echoes`` uses).

Work and threads
----------------
``update`` (embedding what it lacks) and ``links`` run in one background worker at a
time; they hold the index's lock. The GUI thread only calls ``add_vectors`` (vectors it
read from the project's embedding cache) and ``take_new_vectors`` (to store what was
embedded): those touch a separate small lock held for a dictionary update, so the GUI
thread never waits for an embedding batch.

Echoes are kept as each card's strongest partners above the threshold (``KEEP`` at
most: a draft with one sentence pasted a thousand times stays small). The first
``update`` pairs every card, a block of rows at a time with numpy choosing the
strongest; later ones pair again only the cards whose text changed, came or went, so a
typing pause in a 5,000-card project embeds one paragraph and computes one row. A
card's list can then lose a partner without learning its next strongest; the next full
pairing (when a fifth of the cards changed at once) puts that right.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from cardwriter.domain.links import Link, LinkKind
from cardwriter.domain.model import Note
from cardwriter.embedding.cache import text_hash
from cardwriter.embedding.embedder import Embedder, normalise_rows
from cardwriter.services.echoes import ECHO_MIN_SIMILARITY, EchoCard, takes_part
from cardwriter.services.note_links import (
    HUB_WEIGHT,
    NOTE_LINK_MIN_SCORE,
    NOTE_LINK_MIN_SIMILARITY,
    NOTE_LINKS_PER_CARD,
    note_hubness,
    note_links,
)

ECHOES_PER_CARD = 3  # echo cards offered under one paragraph at most (its strongest)
BATCH = 32  # texts embedded at once between checks for cancellation
BLOCK = 512  # rows of the similarity matrix computed at once when every card is paired
REPAIR_SHARE = 0.2  # more than this share of the cards changed: pair them all again
KEEP = 8  # partners kept per card (its strongest): more than the cards show, so some can be set aside


class LinkIndex:
    def __init__(
        self,
        embedder: Embedder,
        *,
        note_min: float = NOTE_LINK_MIN_SIMILARITY,
        note_score_min: float = NOTE_LINK_MIN_SCORE,
        hub_weight: float = HUB_WEIGHT,
        notes_per_card: int = NOTE_LINKS_PER_CARD,
        echo_min: float = ECHO_MIN_SIMILARITY,
        echoes_per_card: int = ECHOES_PER_CARD,
    ):
        self.embedder = embedder
        self.note_min, self.notes_per_card = note_min, notes_per_card
        self.note_score_min, self.hub_weight = note_score_min, hub_weight
        self.echo_min, self.echoes_per_card = echo_min, echoes_per_card
        self._lock = threading.Lock()  # the index itself: one worker at a time
        self._mail = threading.Lock()  # vectors handed in and out by the GUI thread
        self._given: dict[str, np.ndarray] = {}  # from add_vectors, not merged yet
        self._new: dict[str, np.ndarray] = {}  # embedded here, not taken yet
        self._vectors: dict[str, np.ndarray] = {}  # text hash -> unit vector
        self._cards: dict[str, EchoCard] = {}  # the cards taking part, by id, in the project's order
        self._hashes: dict[str, str] = {}  # card id -> hash of the text it was paired with
        self._partners: dict[str, dict[str, float]] = {}  # card id -> {other card id: cosine}, both ways
        self._notes: list[Note] = []
        self._note_matrix = np.zeros((0, 1), dtype=np.float32)
        self._hubness: np.ndarray | None = None  # per note, over every card taking part (note_links.note_hubness)

    # -- the GUI thread's side ------------------------------------------------------------

    def add_vectors(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Vectors already known (text hash -> vector), e.g. from the project file's cache."""
        with self._mail:
            self._given.update(vectors)

    def take_new_vectors(self) -> dict[str, np.ndarray]:
        """What was embedded since the last call, to be stored in the project's cache."""
        with self._mail:
            new, self._new = self._new, {}
        return new

    # -- the worker's side ---------------------------------------------------------------------

    def wanted_hashes(self, cards: Sequence[EchoCard], notes: Sequence[Note]) -> list[str]:
        """Hashes of the texts (of cards that take part, and of notes) without a vector yet."""
        with self._mail:
            given = set(self._given)
        texts = [c.text for c in cards if takes_part(c.text)] + [n.text for n in notes]
        return [h for h in dict.fromkeys(map(text_hash, texts)) if h not in self._vectors and h not in given]

    def update(
        self, cards: Sequence[EchoCard], notes: Sequence[Note], *, cancelled: Callable[[], bool] = lambda: False
    ) -> bool:
        """Take ``cards`` (every card of the project, any draft) and ``notes`` as they are now: embed the
        texts not seen before, then pair again the cards that changed. False when ``cancelled`` stopped it
        (what was embedded is kept; the pairs are as before)."""
        with self._lock:
            with self._mail:
                given, self._given = self._given, {}
            self._vectors.update({h: _unit(v) for h, v in given.items()})
            taking = [c for c in cards if takes_part(c.text)]
            if not self._embed([c.text for c in taking] + [n.text for n in notes], cancelled):
                return False
            self._notes = list(notes)
            if self._notes:
                self._note_matrix = np.stack([self._vectors[text_hash(n.text)] for n in self._notes])
            now = {c.card_id: text_hash(c.text) for c in taking}
            matrix = np.stack([self._vectors[h] for h in now.values()]) if now else None
            self._cards = {c.card_id: c for c in taking}
            self._pair(now, matrix)
            self._hubness = None
            if self._notes and matrix is not None:
                self._hubness = note_hubness(matrix, self._note_matrix)
            return True

    def links(self, card_ids: Sequence[str], dismissed: Mapping[str, set[str]] | None = None) -> dict[str, list[Link]]:
        """Each card's link cards (notes first, then echoes; strongest first), as of the last ``update``;
        a card that takes no part gets []. ``dismissed``: per card, the notes and cards set aside."""
        dismissed = dismissed or {}
        with self._lock:
            found: dict[str, list[Link]] = {card_id: [] for card_id in card_ids}
            ids = [i for i in card_ids if i in self._cards]
            if ids and self._notes:
                self._add_note_links(ids, dismissed, found)
            for card_id in ids:
                found[card_id].extend(self._echo_links(card_id, dismissed.get(card_id, set())))
            return found

    # -- inside ---------------------------------------------------------------------------------

    def _embed(self, texts: list[str], cancelled: Callable[[], bool]) -> bool:
        missing = {text_hash(t): t for t in texts}
        todo = [(h, t) for h, t in missing.items() if h not in self._vectors]
        for start in range(0, len(todo), BATCH):
            if cancelled():
                return False
            chunk = todo[start : start + BATCH]
            vectors = normalise_rows(np.asarray(self.embedder.encode([t for _, t in chunk]), dtype=np.float32))
            fresh = {h: vectors[i] for i, (h, _) in enumerate(chunk)}
            self._vectors.update(fresh)
            with self._mail:
                self._new.update(fresh)
        return not cancelled()

    def _pair(self, now: dict[str, str], matrix: np.ndarray | None) -> None:
        """Bring the echo partners up to date with the cards that take part now (``now``: id -> text hash;
        ``matrix``: their vectors, a row each in that order)."""
        before = self._hashes
        changed = [i for i, h in now.items() if before.get(i) != h]
        gone = {i for i in before if i not in now}
        self._hashes = now
        ids = list(now)
        if len(ids) < 2 or matrix is None:
            self._partners = {}
            return
        if not before or len(changed) + len(gone) > REPAIR_SHARE * len(ids):
            self._pair_all(ids, matrix)
            return
        for card_id in [*changed, *gone]:
            self._partners.pop(card_id, None)
        stale = gone | set(changed)
        for partners in self._partners.values():  # (a dictionary lookup per card, no more)
            for other in stale & partners.keys():
                del partners[other]
        place = {card_id: n for n, card_id in enumerate(ids)}
        for card_id in changed:
            sims = matrix @ matrix[place[card_id]]
            sims[place[card_id]] = -np.inf
            self._partners[card_id] = self._strongest(ids, sims)
            for j in np.nonzero(sims >= self.echo_min)[0].tolist():  # it may now be among theirs
                partners = self._partners.setdefault(ids[j], {})
                partners[card_id] = float(sims[j])
                if len(partners) > KEEP:
                    del partners[min(partners, key=partners.__getitem__)]

    def _pair_all(self, ids: list[str], matrix: np.ndarray) -> None:
        """Every card's strongest partners (``KEEP`` at most), a block of rows at a time."""
        self._partners = {}
        keep = min(KEEP, len(ids) - 1)
        for start in range(0, len(ids), BLOCK):
            sims = matrix[start : start + BLOCK] @ matrix.T
            rows = np.arange(sims.shape[0])
            sims[rows, rows + start] = -np.inf  # never a card with itself
            top = np.argpartition(-sims, keep - 1, axis=1)[:, :keep]
            values = np.take_along_axis(sims, top, axis=1)
            for r in range(sims.shape[0]):
                strong = values[r] >= self.echo_min
                if strong.any():
                    self._partners[ids[start + r]] = dict(
                        zip((ids[j] for j in top[r][strong].tolist()), values[r][strong].tolist(), strict=True)
                    )
            time.sleep(0)  # (between blocks, the GUI thread may take the interpreter's lock)

    def _strongest(self, ids: list[str], sims: np.ndarray) -> dict[str, float]:
        """The ``KEEP`` strongest of one card's similarities at or above the bar, by card id."""
        above = np.nonzero(sims >= self.echo_min)[0]
        if len(above) > KEEP:
            above = above[np.argpartition(-sims[above], KEEP - 1)[:KEEP]]
        return {ids[j]: float(sims[j]) for j in above.tolist()}

    def _add_note_links(self, ids: list[str], dismissed: Mapping[str, set[str]], found: dict[str, list[Link]]) -> None:
        matrix = np.stack([self._vectors[self._hashes[i]] for i in ids])
        sims = matrix @ self._note_matrix.T
        hub = self._hubness  # None under HUB_MIN_CARDS cards: plain cosine
        bar = self.note_min if hub is None else self.note_score_min
        scores = sims if hub is None else sims - self.hub_weight * hub[None, :]
        for row, card_id in enumerate(ids):
            near = np.nonzero(scores[row] >= bar)[0]
            if not len(near):
                continue
            notes = [self._notes[int(j)] for j in near]
            hits = note_links(
                matrix[row],
                notes,
                self._note_matrix[near],
                paragraph=self._cards[card_id].text,
                k=self.notes_per_card,
                min_similarity=bar,
                dismissed=dismissed.get(card_id, set()),
                hubness=None if hub is None else hub[near],
                hub_weight=self.hub_weight,
            )
            found[card_id].extend(
                Link(LinkKind.NOTE, h.note.id, h.note.text, h.cosine, source=h.note.source) for h in hits
            )

    def _echo_links(self, card_id: str, dismissed: set[str]) -> list[Link]:
        partners = sorted(
            ((sim, other) for other, sim in self._partners.get(card_id, {}).items() if other not in dismissed),
            key=lambda p: (-p[0], p[1]),
        )
        links = []
        for sim, other_id in partners[: self.echoes_per_card]:
            other = self._cards[other_id]
            links.append(
                Link(
                    LinkKind.ECHO,
                    other_id,
                    other.text,
                    sim,
                    source=other.draft_title,
                    draft_id=other.draft_id,
                    position=other.position,
                )
            )
        return links


def _unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
