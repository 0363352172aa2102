"""Link cards: which of the writer's notes join a paragraph's stack.

The first tests use hand-made vectors (each cosine known), among them a small project
where one note is near every paragraph (a hub) and another near one paragraph only; the
slow ones load the real all-MiniLM-L6-v2 and check what a writer would see beside a
paragraph.
"""

from __future__ import annotations

import numpy as np
import pytest

from cardwriter.domain.model import Note
from cardwriter.services.note_links import (
    HUB_MIN_CARDS,
    HUB_WEIGHT,
    NOTE_LINK_MIN_SCORE,
    NOTE_LINK_MIN_SIMILARITY,
    NOTE_LINKS_PER_CARD,
    note_hubness,
    note_links,
)


def unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def ids(hits):
    return [h.note.id for h in hits]


def near(cosine):
    """A unit vector at ``cosine`` from the x axis (the paragraph's direction below)."""
    return unit(cosine, float(np.sqrt(1 - cosine**2)), 0)


HAND = [Note(f"note {name}", id=name) for name in ("a", "b", "c", "d")]
PARAGRAPH = unit(1, 0, 0)


def hand_vectors(*cosines):
    return np.stack([near(c) for c in cosines])


def test_at_most_the_cards_share_of_links_nearest_first_and_none_under_the_bar():
    bar = NOTE_LINK_MIN_SIMILARITY
    vectors = hand_vectors(bar + 0.05, bar - 0.01, bar + 0.2, bar + 0.1)
    hits = note_links(PARAGRAPH, HAND, vectors, paragraph="text", k=3)
    assert ids(hits) == ["c", "d", "a"]  # "b" is just under the bar
    assert ids(note_links(PARAGRAPH, HAND, vectors, paragraph="text")) == ["c", "d"][:NOTE_LINKS_PER_CARD]
    assert [h.index for h in hits] == [2, 3, 0]  # positions in the notes given
    assert note_links(PARAGRAPH, HAND, vectors, paragraph="text", k=0) == []


def test_a_dismissed_note_is_not_offered_and_the_next_one_above_the_bar_takes_its_place():
    bar = NOTE_LINK_MIN_SIMILARITY
    vectors = hand_vectors(bar + 0.05, bar - 0.01, bar + 0.2, bar + 0.1)
    assert ids(note_links(PARAGRAPH, HAND, vectors, paragraph="text", k=2, dismissed={"c"})) == ["d", "a"]
    assert ids(note_links(PARAGRAPH, HAND, vectors, paragraph="text", k=2, dismissed={"c", "d", "a"})) == []


def test_the_paragraph_saved_as_a_note_is_not_a_link_to_itself():
    notes = [Note("  The same   words. ", id="itself"), Note("other", id="other")]
    vectors = hand_vectors(1.0, NOTE_LINK_MIN_SIMILARITY + 0.1)
    assert ids(note_links(PARAGRAPH, notes, vectors, paragraph="The same words.")) == ["other"]


# -- hubness: a note near everything in the project is demoted -----------------------

N_CARDS = 30


def hub_project():
    """30 cards sharing a theme ``u``, each also about a subject of its own ``w[i]``, and five notes.

    "hub" is the theme itself: cosine 0.51 to every card. "specific" is about card 0's own
    subject (cosine 0.55 to card 0, 0 to the rest). Three fillers lean a little to the theme
    (0.15 to every card). Returns (card vectors, notes, note vectors).
    """
    dims = 1 + N_CARDS + 4
    basis = np.eye(dims, dtype=np.float32)
    u, w, v = basis[0], basis[1 : 1 + N_CARDS], basis[1 + N_CARDS :]
    cards = np.stack([unit(*(0.6 * u + w[i])) for i in range(N_CARDS)])
    notes = [Note(f"note {name}", id=name) for name in ("hub", "specific", "f1", "f2", "f3")]
    vectors = np.stack([u, unit(*(w[0] + 1.2 * v[0])), *(unit(*(0.3 * u + v[j])) for j in (1, 2, 3))])
    return cards, notes, vectors


def test_hubness_is_each_notes_typical_cosine_to_the_cards_less_the_librarys_median():
    cards, _, vectors = hub_project()
    hub = note_hubness(cards, vectors)
    assert hub is not None and hub.shape == (5,)
    cosines = cards @ vectors.T
    assert cosines[:, 0] == pytest.approx(0.51, abs=0.01)  # the hub: near every card
    assert cosines[0, 1] == pytest.approx(0.55, abs=0.01) and np.allclose(cosines[1:, 1], 0)
    assert hub[2:] == pytest.approx(0, abs=1e-6)  # the fillers are the library's middle
    assert hub[0] == pytest.approx(0.51 - 0.15, abs=0.01)
    assert hub[1] == pytest.approx(-0.15, abs=0.01)  # near one card only: its typical cosine is 0


def test_a_hub_note_is_demoted_and_a_note_about_one_paragraph_is_still_offered():
    cards, notes, vectors = hub_project()
    plain = note_links(cards[0], notes, vectors, paragraph="card 0")
    assert ids(plain) == ["specific", "hub"]  # by cosine alone, the hub comes along
    hub = note_hubness(cards, vectors)
    hits = note_links(cards[0], notes, vectors, paragraph="card 0", hubness=hub)
    assert ids(hits) == ["specific"]
    [specific] = hits
    assert specific.cosine == pytest.approx(float(cards[0] @ vectors[1]))  # the plain cosine, for the card
    assert specific.score == pytest.approx(specific.cosine - HUB_WEIGHT * float(hub[1]))  # what ranked it
    assert specific.score >= NOTE_LINK_MIN_SCORE
    # Every other card gets nothing: the hub is near them all, so it tells none of them anything.
    assert all(note_links(c, notes, vectors, paragraph="card", hubness=hub) == [] for c in cards[1:])


def test_hubness_rows_can_be_passed_for_the_notes_given_dismissed_still_counts():
    cards, notes, vectors = hub_project()
    hub = note_hubness(cards, vectors)
    assert hub is not None
    some = [1, 0]  # the caller's preselection: the library's median stays the whole library's
    hits = note_links(cards[0], [notes[i] for i in some], vectors[some], paragraph="card 0", hubness=hub[some])
    assert ids(hits) == ["specific"] and hits[0].index == 0
    assert note_links(cards[0], notes, vectors, paragraph="card 0", hubness=hub, dismissed={"specific"}) == []
    with pytest.raises(ValueError):
        note_links(cards[0], notes, vectors, paragraph="card 0", hubness=hub[:2])


def test_a_small_project_has_no_hubness_and_links_by_plain_cosine():
    cards, notes, vectors = hub_project()
    assert note_hubness(cards[: HUB_MIN_CARDS - 1], vectors) is None
    assert note_hubness(cards[:HUB_MIN_CARDS], vectors) is not None
    assert note_hubness(cards, vectors[:0]) is None
    assert ids(note_links(cards[0], notes, vectors, paragraph="card 0", hubness=None)) == ["specific", "hub"]


def test_a_large_project_is_sampled_and_gives_the_same_hubness():
    cards, _, vectors = hub_project()
    many = np.repeat(cards, 10, axis=0)  # 300 cards, each card ten times
    full = note_hubness(many, vectors, sample=len(many))
    sampled = note_hubness(many, vectors, sample=60)
    assert full is not None and sampled is not None
    assert sampled == pytest.approx(full, abs=0.02)


# -- the real embedder ------------------------------------------------------------

OWLS = Note("Owls swallow mice whole and cough up the fur and bones in neat pellets.", id="owls")
LIBRARY = [
    Note("Salt was once so valuable that soldiers were paid in it.", id="salt"),
    Note("The bridge was built in 1887 and has been repainted every seven years since.", id="bridge"),
    OWLS,
    Note("The violin was older than the house it hung in.", id="violin"),
    Note("The money ran out in March, and so did the excuses.", id="march"),
    Note("A red kite hanging over the motorway verge, not moving.", id="kite"),
    Note("The kettle had been whistling for a minute before anyone got up.", id="kettle"),
]
PELLETS = (
    "On the school trip we took apart owl pellets on sheets of newspaper. Each one was a little grey "
    "parcel of fur, and inside, packed as neatly as cutlery, were the tiny skulls and leg bones of voles "
    "and shrews. The bird swallows its dinner whole, our teacher explained, and keeps only what it can use."
)
FOUR_DAY_WEEK = (
    "Most of the arguments about the four-day week are really arguments about trust. A manager who cannot "
    "see you working assumes you are not, and a fifth day in the office is a way of seeing."
)
GRID = (  # shares "kettle" with a note, but is about the power grid, not a family that will not get up
    "An electric kettle draws about three kilowatts, more than almost anything else in the kitchen, and the "
    "national grid braces for the moment a popular programme ends and a million people get up to make tea."
)


@pytest.fixture(scope="module")
def library_vectors(minilm):
    return minilm.encode([n.text for n in LIBRARY])


@pytest.mark.slow
def test_a_paragraph_about_owl_pellets_gets_the_owl_note_and_nothing_unrelated(minilm, library_vectors):
    hits = note_links(minilm.encode([PELLETS])[0], LIBRARY, library_vectors, paragraph=PELLETS)
    assert ids(hits) == ["owls"]  # the kite is a bird too, but not this one: it stays off the stack
    assert hits[0].cosine > NOTE_LINK_MIN_SIMILARITY + 0.1


@pytest.mark.slow
def test_a_dismissed_note_is_not_offered_again(minilm, library_vectors):
    hits = note_links(minilm.encode([PELLETS])[0], LIBRARY, library_vectors, paragraph=PELLETS, dismissed={"owls"})
    assert hits == []  # nothing else is close enough to take its place


@pytest.mark.slow
@pytest.mark.parametrize("paragraph", [FOUR_DAY_WEEK, GRID], ids=["no note near", "a shared word only"])
def test_a_paragraph_no_note_is_about_gets_no_link(minilm, library_vectors, paragraph):
    vector = minilm.encode([paragraph])[0]
    assert note_links(vector, LIBRARY, library_vectors, paragraph=paragraph) == []
    assert float(np.max(library_vectors @ vector)) < NOTE_LINK_MIN_SIMILARITY  # the nearest is under the bar
