"""Link cards: the writer's notes offered in a paragraph's stack ("from your notes").

A link card is a note of the writer's library brought back beside a paragraph because it is
close in meaning: the same all-MiniLM-L6-v2 cosine as the notes panel's "Near this
paragraph" (``note_search.related_notes``), less a correction for notes that are near
everything, with a higher bar and at most ``NOTE_LINKS_PER_CARD`` notes, less the notes the
writer dismissed. ``note_links`` and ``note_hubness`` are pure (numpy over vectors the
caller already has).

The hub correction
------------------
Some notes sit near a whole kind of paragraph rather than one: a grandmother sorting buttons
from a tin scores 0.48 to 0.51 against any memoir paragraph about a dead parent's things,
above many right links. ``note_hubness`` measures that over the project: a note's typical
cosine is the 75th percentile (``HUB_PERCENTILE``) of its cosines to every card of the project,
and its hubness that less the median typical cosine of the library. A note then scores
``cosine - HUB_WEIGHT * hubness`` (0.5) and is offered from ``NOTE_LINK_MIN_SCORE`` (0.42).
A note about one narrow thing has a low typical cosine and gains a little; a hub loses. A
percentile, not the mean of a note's k nearest cards, so that the figure means the same in a
30-paragraph draft and a 5,000-card project, and one card that is really about the note does
not raise it. Under ``HUB_MIN_CARDS`` (20, not tuned) cards there is no hubness and the plain
cosine is used, from ``NOTE_LINK_MIN_SIMILARITY`` (0.43). A cost to know: in a project with
one theme, the notes on that theme are the hubs and lose up to HUB_WEIGHT times their excess
(0.05 for a note 0.1 above the library's middle); this set, with its mixed drafts, does not
measure that.

Calibration (``python benchmarks/calibrate_links.py --half all``; ``--sweep`` for the grid)
-----------------------------------------------------------------------------------------
On ``benchmarks/data/link_notes.jsonl``: 52 notes and 60 draft paragraphs written for it
(fiction, essay, memoir; halves ``tune`` and ``report``, 30 each), each labelled with the
notes a writer would be glad to see beside it; 13 have none, 12 are hard (a note shares
their words or topic but would not help). And ``link_notes_holdout.jsonl``: 30 more
paragraphs, labelled against the same notes, written after the report half had been read
and before either method was run on them, not changed since. Each half's hubness is taken
over that half's 30 paragraphs, as the app takes it over the project's cards.

The rule, on the tune half alone (the script's docstring has it in full): for each scoring
and K in 2, 3, the lowest threshold of 0.30..0.65 whose tune precision is at least 0.85
there and at every higher threshold; a hub variant (percentile 50/75/90, mean, or mean of
the 5 or 10 nearest paragraphs; alpha 0.125..1.5) counts only if the alphas either side keep
0.85 at its threshold, and is worth the fewest relevant links among the three; it replaces
plain cosine only if worth 2 links more. Plain cosine gets 0.43 and 17 relevant links (K=2);
the 75th percentile at alpha 0.5 gets 0.42 and 20, K=3 no more, so K=2.

==========  ======================  ============  ============  ===================  ==========
half        method                  precision     recall        no-note linked       links/para
==========  ======================  ============  ============  ===================  ==========
tune        plain, 0.43             0.85 (17/20)  0.63 (17/27)  1 of 7               0.67
tune        hub, 0.42               0.87 (20/23)  0.74 (20/27)  0 of 7               0.77
report      plain, 0.43             0.78 (18/23)  0.69 (18/26)  0 of 6               0.77
report      hub, 0.42               0.81 (17/21)  0.65 (17/26)  0 of 6               0.70
holdout     plain, 0.43             0.84 (16/19)  0.67 (16/24)  1 of 9               0.63
holdout     hub, 0.42               0.94 (16/17)  0.67 (16/24)  1 of 9               0.57
==========  ======================  ============  ============  ===================  ==========

The report half had been read before this method was tried (not to choose it), so the
holdout is the clean figure: 0.94, where plain cosine gets 0.84 (plain's 0.78 on the report
half was partly that half's draw). These are small counts: one wrong link more would make
0.89 on the holdout and 0.77 on the report half. On the holdout the correction takes off
the two wrong links plain offers (an island ferry -> a sailor turning back at a hare, 0.44;
a night shift -> the buttons, 0.43) and loses no right one; the one wrong link left is a decoy (a child's
kite on the beach -> a red kite over the motorway, 0.47). On the report half it takes off
the phone-photographs decoy and brings in the choir (0.41), but loses two right links (the
kettle, 0.47; a mother burning letters, 0.43: letters is itself typical of that half's
memoirs) and demotes the buttons only to 0.43 and 0.45, still offered beside the pebbles and
the burnt letters. Shared words pass as before: an exam's "answer paper" -> damp old paper
(cosine and score 0.45), bare apple trees -> a cellar smelling of apples (0.48, scoring
0.44). What is missed is much as before: short notes that MiniLM scores 0.3 to 0.41 against
a paragraph plainly about them (the foghorn, the ravens, grief's stopped clocks, the
buttons themselves beside a grandmother sorting them), and a few far lower (a tide table:
0.26; a family fighting over a teapot: 0.16; old hands: 0.18).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import numpy as np

from cardwriter.domain.model import Note
from cardwriter.services.note_search import NoteHit, related_notes

NOTE_LINKS_PER_CARD = 2
NOTE_LINK_MIN_SIMILARITY = 0.43  # the bar on the plain cosine: a project without hubness figures
NOTE_LINK_MIN_SCORE = 0.42  # the bar on cosine - HUB_WEIGHT * hubness, when the hubness is known
HUB_WEIGHT = 0.5  # alpha: how much of a note's excess typical cosine is taken off its score
HUB_PERCENTILE = 75.0  # a note's typical cosine: this percentile of its cosines to the project's cards
HUB_MIN_CARDS = 20  # fewer cards than this: no hubness (the percentile of a handful says little)
HUB_SAMPLE_CARDS = 4000  # more cards than this: the percentile is taken over this many, evenly spaced


def note_hubness(
    card_vectors: np.ndarray,
    note_vectors: np.ndarray,
    *,
    percentile: float = HUB_PERCENTILE,
    min_cards: int = HUB_MIN_CARDS,
    sample: int = HUB_SAMPLE_CARDS,
) -> np.ndarray | None:
    """How much each note is near everything in the project: one figure per row of ``note_vectors``.

    A note's typical cosine is the ``percentile`` of its cosines to the cards (``card_vectors``:
    unit-norm rows, every paragraph of the project that takes part, any draft); its hubness is
    that less the median typical cosine of all the notes given, so a note as close to the
    project as the library's middle note gets 0, a hub (close to many paragraphs at once)
    more, a note about one narrow thing less. None when there are fewer than ``min_cards``
    cards or no notes: ``note_links`` then scores by plain cosine. Compute it over the whole
    library and pass ``note_links`` the rows of the notes it is given. Over ``sample`` cards,
    an evenly spaced ``sample`` of them is used (the percentile barely moves; the cost is bounded).
    """
    cards = np.asarray(card_vectors, dtype=np.float32)
    notes = np.asarray(note_vectors, dtype=np.float32)
    if cards.ndim != 2 or notes.ndim != 2 or len(cards) < max(min_cards, 1) or not len(notes):
        return None
    if len(cards) > sample:
        cards = cards[np.linspace(0, len(cards) - 1, sample).round().astype(int)]
    typical = np.percentile(cards @ notes.T, percentile, axis=0)
    return (typical - np.median(typical)).astype(np.float32)


def note_links(
    paragraph_vector: np.ndarray,
    notes: Sequence[Note],
    note_vectors: np.ndarray,
    *,
    paragraph: str,
    k: int = NOTE_LINKS_PER_CARD,
    min_similarity: float | None = None,
    dismissed: Collection[str] = frozenset(),
    hubness: np.ndarray | None = None,
    hub_weight: float = HUB_WEIGHT,
) -> list[NoteHit]:
    """The notes to offer as link cards beside ``paragraph``: best first, at most ``k``.

    Without ``hubness``: ``related_notes`` at ``min_similarity`` (default
    ``NOTE_LINK_MIN_SIMILARITY``). With it (``note_hubness``'s figures, one per note given, in
    order): each note scores ``cosine - hub_weight * hubness`` and is offered from
    ``min_similarity`` (default ``NOTE_LINK_MIN_SCORE``), best score first. Either way the
    paragraph's own text saved as a note is left out, and so are the notes whose ids are in
    ``dismissed``: a note the writer turned down is not offered again, and the next one above
    the bar, if any, takes its place. ``paragraph_vector`` and the rows of ``note_vectors`` are
    unit-norm MiniLM embeddings, one row per note, in order; ``NoteHit.index`` is a position in
    ``notes``, ``NoteHit.cosine`` the plain cosine and ``NoteHit.score`` what ranked it.
    """
    if k <= 0 or not notes:
        return []
    if hubness is None:
        bar = NOTE_LINK_MIN_SIMILARITY if min_similarity is None else min_similarity
        hits = related_notes(paragraph_vector, notes, note_vectors, len(notes), bar, paragraph=paragraph)
    else:
        hub = np.asarray(hubness, dtype=np.float32).reshape(-1)
        if len(hub) != len(notes):
            raise ValueError(f"hubness has {len(hub)} figures for {len(notes)} notes")
        bar = NOTE_LINK_MIN_SCORE if min_similarity is None else min_similarity
        floor = bar + float((hub_weight * hub).min())  # no note under this cosine can reach the bar
        near = related_notes(paragraph_vector, notes, note_vectors, len(notes), floor, paragraph=paragraph)
        scored = [replace(h, score=h.cosine - hub_weight * float(hub[h.index])) for h in near]
        hits = sorted((h for h in scored if h.score >= bar), key=lambda h: (-h.score, h.index))
    return [h for h in hits if h.note.id not in dismissed][:k]
