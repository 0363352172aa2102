"""Link cards: which of the writer's notes join a paragraph's stack.

The first tests use hand-made vectors (each cosine known); the slow ones load the real
all-MiniLM-L6-v2 and check what a writer would see beside a paragraph.
"""

from __future__ import annotations

import numpy as np
import pytest

from cardwriter.domain.model import Note
from cardwriter.services.note_links import NOTE_LINK_MIN_SIMILARITY, NOTE_LINKS_PER_CARD, note_links


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
def minilm():
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


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
