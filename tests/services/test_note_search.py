"""Searching notes by meaning and words, and related notes under a paragraph.

Logic tests use hand-made vectors (so each cosine is known) or the FakeEmbedder over a
real project file; the slow tests load the real all-MiniLM-L6-v2 and check that a
paraphrase finds its note.
"""

from __future__ import annotations

import numpy as np
import pytest

from cardwriter.domain.model import Note
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.services.note_finder import NoteFinder
from cardwriter.services.note_search import (
    SEARCH_MIN_COSINE,
    SHORT_QUERY_MIN_COSINE,
    SHORT_QUERY_TEMPLATE,
    TEXT_BOOST,
    expand_query,
    index_words,
    is_short_query,
    related_notes,
    related_project_notes,
    search_notes,
    search_project_notes,
)
from cardwriter.storage.project import Project


def unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def ids(hits):
    return [h.note.id for h in hits]


NOTES = [
    Note("The lighthouse keeper counted the stairs.", id="keeper"),
    Note("Rain on the window all afternoon.", id="rain"),
    Note("She kept the letters in a tin box.", source="Virginia Woolf", tags=("letters",), id="tin"),
    Note("Stairs, always stairs, in every dream.", id="dream"),
]
# Hand-made: "keeper" points along x, the others elsewhere; the query also along x.
VECS = np.stack([unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(0, 0, 1, 0), unit(0, 0, 0, 1)])


@pytest.mark.parametrize("query", ["", "   ", "?!", "\n"])
def test_a_query_without_words_finds_nothing(query):
    assert search_notes(query, NOTES, VECS, unit(1, 1, 1, 1)) == []


def test_a_typed_word_finds_its_note_even_when_the_meaning_is_far():
    # The query vector points exactly away from the note: cosine 0, yet the word is there.
    hits = search_notes("tin", NOTES, VECS, unit(1, 0, 0, 0))
    assert ids(hits) == ["keeper", "tin"]  # keeper by meaning (cosine 1), tin by its word
    tin = next(h for h in hits if h.note.id == "tin")
    assert tin.cosine == pytest.approx(0.0) and tin.text_match == 1.0
    assert "rain" not in ids(hits) and "dream" not in ids(hits)  # neither word nor meaning


def test_meaning_alone_counts_above_the_threshold_only():
    query = unit(1, 0.4, 0, 0)  # cosine 0.93 to keeper, 0.37 to rain, 0 to the rest
    hits = search_notes("something else entirely", NOTES, VECS, query, min_cosine=0.3)
    assert ids(hits) == ["keeper", "rain"]
    assert search_notes("something else entirely", NOTES, VECS, query, min_cosine=0.5)[0].note.id == "keeper"
    assert ids(search_notes("something else entirely", NOTES, VECS, query, min_cosine=0.5)) == ["keeper"]


def test_exact_phrase_beats_scattered_words_beats_a_prefix():
    notes = [
        Note("the stormy coastline at night", id="prefix-only"),  # words that start with the query's
        Note("a coast, and later a storm of birds", id="scattered"),
        Note("We watched the storm coast past the pier.", id="phrase"),
    ]
    flat = np.stack([unit(1, 0), unit(1, 0), unit(1, 0)])  # equal meaning: words decide
    hits = search_notes("storm coast", notes, flat, unit(0, 1))
    assert ids(hits) == ["phrase", "scattered", "prefix-only"]
    assert hits[0].text_match == 1.0
    assert 0 < hits[2].text_match < hits[1].text_match < 1.0
    assert hits[0].score == pytest.approx(TEXT_BOOST)


def test_a_word_still_being_typed_matches_as_a_prefix_but_tiny_ones_do_not():
    hits = search_notes("lightho", NOTES, None, None)
    assert ids(hits) == ["keeper"] and 0 < hits[0].text_match < 1
    assert search_notes("li", NOTES, None, None) == []  # too short to match inside words


def test_stopwords_alone_do_not_make_a_match_but_a_stopword_query_still_works():
    hits = search_notes("the storm", NOTES, None, None)
    assert hits == []  # every note holds "the"; none holds "storm"
    assert set(ids(search_notes("the", NOTES, None, None))) == {"keeper", "rain", "tin"}


def test_source_and_tags_are_searched_and_case_is_ignored():
    assert ids(search_notes("WOOLF", NOTES, None, None)) == ["tin"]
    assert ids(search_notes("letters", NOTES, None, None)) == ["tin"]


def test_without_vectors_words_alone_rank_and_ties_keep_the_notes_order():
    hits = search_notes("stairs", NOTES, None, None)
    assert ids(hits) == ["keeper", "dream"]
    assert all(h.cosine == 0 for h in hits)


def test_limit_and_mismatched_shapes():
    assert len(search_notes("the", NOTES, None, None, limit=2)) == 2
    assert search_notes("the", NOTES, None, None, limit=0) == []
    with pytest.raises(ValueError, match="one row per note"):
        search_notes("x", NOTES, VECS[:3], unit(1, 0, 0, 0))
    with pytest.raises(ValueError, match="differ in length"):
        search_notes("x", NOTES, VECS, unit(1, 0, 0))


def test_a_prebuilt_word_index_gives_the_same_hits():
    index = index_words(NOTES)
    for query in ["stairs", "lightho", "woolf", "the", "rain window"]:
        assert search_notes(query, NOTES, VECS, unit(1, 1, 0, 0), note_words=index) == search_notes(
            query, NOTES, VECS, unit(1, 1, 0, 0)
        )
    with pytest.raises(ValueError, match="one entry per note"):
        search_notes("stairs", NOTES, VECS, None, note_words=index[:2])


def test_related_notes_nearest_first_above_the_threshold_without_the_paragraph_itself():
    notes = [*NOTES, Note("  Up the lighthouse   stairs he went.\n", id="copy")]
    vecs = np.vstack([VECS, unit(1, 0, 0, 0)])
    paragraph = unit(1, 0.5, 0.2, 0)  # keeper/copy .88, rain .44, tin .18, dream 0
    hits = related_notes(paragraph, notes, vecs, k=3, min_cosine=0.3, paragraph="Up the lighthouse stairs he went.")
    assert ids(hits) == ["keeper", "rain"]  # "copy" is the paragraph itself; "tin" too far
    assert hits[0].cosine == pytest.approx(float(unit(1, 0.5, 0.2, 0)[0]))
    assert ids(related_notes(paragraph, notes, vecs, k=1, min_cosine=0.3, paragraph="other text")) == ["keeper"]
    # No paragraph text: an identical vector stands for "the same text".
    assert ids(related_notes(unit(1, 0, 0, 0), notes, vecs, k=3, min_cosine=0.0)) == ["rain", "tin", "dream"]
    assert "keeper" not in ids(related_notes(unit(1, 0, 0, 0), notes, vecs, k=5, min_cosine=0.0))
    assert related_notes(paragraph, notes, vecs, k=0) == []
    assert related_notes(paragraph, [], np.zeros((0, 4)), k=3) == []


# -- with a project file and the fake embedder -----------------------------------


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "notes.cardwriter"
    with Project.create(path) as project:
        project.add_notes(NOTES)
    return path


def test_project_search_embeds_notes_once_and_never_stores_the_query(project_path):
    fake = FakeEmbedder()
    with Project.open(project_path) as project:
        first = search_project_notes(project, fake, "stairs")
    assert (first.embedded, first.cached) == (4, 0) and fake.encoded == 4 + 1
    assert set(ids(first.hits)) == {"keeper", "dream"}

    with Project.open(project_path) as project:
        second = search_project_notes(project, fake, "stairs")
        rows = project.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    assert (second.embedded, second.cached) == (0, 4)
    assert fake.encoded == 5 + 1  # only the query this time
    assert rows == 4  # the notes' vectors, no query
    assert ids(second.hits) == ids(first.hits)

    with Project.open(project_path) as project:
        project.add_notes([Note("A brand new note about stairs.", id="new")])
        third = search_project_notes(project, fake, "stairs")
    assert (third.embedded, third.cached) == (1, 4)
    assert "new" in ids(third.hits)


def test_project_search_and_related_with_nothing_to_do(tmp_path, project_path):
    fake = FakeEmbedder()
    with Project.open(project_path) as project:
        assert search_project_notes(project, fake, "  ").hits == []
        assert related_project_notes(project, fake, "").hits == []
    assert fake.encoded == 0
    empty = tmp_path / "empty.cardwriter"
    with Project.create(empty) as project:
        assert search_project_notes(project, fake, "stairs").hits == []


def test_related_project_notes_leaves_out_the_paragraph_itself(project_path):
    fake = FakeEmbedder()
    with Project.open(project_path) as project:
        found = related_project_notes(project, fake, "The lighthouse keeper counted the stairs.", k=3)
    assert "keeper" not in ids(found.hits)


# -- the real embedder ------------------------------------------------------------

SHIP = "The ship went down in the storm and all hands were lost."
UNRELATED = [
    "Her grandmother's kitchen always smelled of cardamom and burnt sugar.",
    "The committee postponed the vote on the new parking regulations until spring.",
    "He practised the cello scales every morning before the house woke up.",
    "A fox crossed the frozen field at dawn, leaving a neat line of prints.",
    "The spreadsheet listed every invoice paid in the last quarter.",
    "They argued about whether the film's ending was hopeful or bleak.",
]


@pytest.mark.slow
def test_a_paraphrase_finds_its_note_by_meaning(tmp_path, minilm):
    path = tmp_path / "real.cardwriter"
    notes = [Note(t) for t in UNRELATED[:3]] + [Note(SHIP, id="ship")] + [Note(t) for t in UNRELATED[3:]]
    with Project.create(path) as project:
        project.add_notes(notes)
        found = search_project_notes(project, minilm, "a vessel sank in bad weather, nobody survived", limit=3)
    assert found.hits, "nothing found"
    top = found.hits[0]
    assert top.note.id == "ship" and top.text_match == 0  # no word shared: meaning alone found it
    assert top.cosine > 0.4
    assert all(h.cosine < top.cosine - 0.2 for h in found.hits[1:])


@pytest.mark.slow
def test_related_notes_under_a_paragraph_with_the_real_embedder(tmp_path, minilm):
    path = tmp_path / "real.cardwriter"
    paragraph = "The sailors clung to the mast as the waves broke over the deck and the sky went black."
    with Project.create(path) as project:
        project.add_notes([Note(t) for t in UNRELATED] + [Note(SHIP, id="ship"), Note(paragraph, id="itself")])
        found = related_project_notes(project, minilm, paragraph, k=3)
    assert ids(found.hits) == ["ship"]  # the unrelated ones stay below the threshold; itself is left out


OMEN = "Sailors would not sail on a Friday: an old omen of drowning."
DAMP = "Moisture ruins old paper."


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "wanted"),
    [("superstition", "omen"), ("keeping paper safe from damp", "damp")],
)
def test_what_a_writer_searched_for_at_the_desk_comes_first(tmp_path, minilm, query, wanted):
    """Two searches a writer made in a real window (issue 27): one word, and a phrase sharing one word."""
    notes = [Note(t) for t in UNRELATED] + [Note(SHIP), Note(OMEN, id="omen"), Note(DAMP, id="damp")]
    assert NoteFinder(minilm).search(query, notes)[:1] == [wanted]
    with Project.create(tmp_path / "desk.cardwriter") as project:
        project.add_notes(notes)
        assert ids(search_project_notes(project, minilm, query, limit=3).hits)[:1] == [wanted]


def test_a_short_query_is_embedded_in_a_template_and_meets_a_lower_bar():
    assert is_short_query("superstition") and is_short_query("the wet wool")  # stopwords aside
    assert not is_short_query("keeping paper safe from damp") and not is_short_query("?!")
    assert expand_query("  superstition ") == SHORT_QUERY_TEMPLATE.format("superstition")
    assert expand_query("keeping paper safe from damp") == "keeping paper safe from damp"
    cosine = SHORT_QUERY_MIN_COSINE + 0.02  # with "keeper": above the bar of a short query, below the other
    assert cosine < SEARCH_MIN_COSINE
    query = unit(cosine, float(np.sqrt(1 - cosine**2)), 0, 0)  # and very close to "rain"
    assert ids(search_notes("omens", NOTES, VECS, query)) == ["rain", "keeper"]  # one word: enough
    assert ids(search_notes("omens and old sayings", NOTES, VECS, query)) == ["rain"]  # more words: it is not
