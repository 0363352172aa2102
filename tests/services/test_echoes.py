"""Echoes: paragraphs of a project that say the same thing in other words.

The pairing logic runs on hand-made vectors (each cosine known) and on the FakeEmbedder
over a real project file; the slow test loads the real all-MiniLM-L6-v2 and checks that
a paraphrase across two drafts is offered and a same-topic paragraph is not.
"""

from __future__ import annotations

import numpy as np
import pytest

from cardwriter.domain.model import Card, Draft
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.services.echoes import ECHO_MIN_SIMILARITY, echo_pairs, find_echoes, takes_part
from cardwriter.storage.project import Project

LONG_A = "The keeper climbed the hundred steps of the tower every evening before the sun went down."
LONG_B = "Rain fell on the harbour all afternoon while the fishing boats waited at their moorings."
LONG_C = "The committee argued for three hours about the parking rules and decided nothing at all."


def vectors(*rows):
    return np.array(rows, dtype=np.float32)


def test_pairs_above_the_bar_strongest_first_never_a_card_with_itself():
    v = vectors([1, 0, 0], [0.8, 0.6, 0], [1, 0, 0], [0, 0, 1])
    pairs = echo_pairs(v, 0.7)
    assert [(i, j) for i, j, _ in pairs] == [(0, 2), (0, 1), (1, 2)]
    assert pairs[0][2] == pytest.approx(1.0) and pairs[1][2] == pytest.approx(0.8)
    assert echo_pairs(v, 0.9) == [(0, 2, pytest.approx(1.0))]
    assert echo_pairs(vectors([1, 0]), 0.0) == [] and echo_pairs(np.zeros((0, 3)), 0.5) == []


def test_blocks_give_the_same_pairs_as_one_matrix():
    rng = np.random.default_rng(3)
    v = rng.normal(size=(300, 16)).astype(np.float32)
    v[1::3] = v[0::3] + 0.2 * rng.normal(size=(100, 16))  # an echo of every third row
    whole = echo_pairs(v, 0.8, block=1000)
    assert len(whole) >= 90
    blocked = echo_pairs(v, 0.8, block=7)
    assert [(i, j) for i, j, _ in blocked] == [(i, j) for i, j, _ in whole]
    assert [s for *_, s in blocked] == pytest.approx([s for *_, s in whole], abs=1e-5)


def test_each_card_keeps_its_strongest_partners_only():
    v = vectors(*([[1, 0]] * 10))  # the same paragraph pasted ten times
    pairs = echo_pairs(v, 0.5, per_card=2)
    partners = {k: sum(k in (i, j) for i, j, _ in pairs) for k in range(10)}
    assert len(pairs) <= 10 * 2 < 45  # each card chose two: not all 45 pairs
    assert min(partners.values()) >= 2


def test_involving_keeps_pairs_touching_the_flagged_cards():
    v = vectors([1, 0], [1, 0], [0, 1], [0, 1])
    assert [(i, j) for i, j, _ in echo_pairs(v, 0.5, involving=[False, False, True, False])] == [(2, 3)]
    with pytest.raises(ValueError):
        echo_pairs(v, 0.5, involving=[True])


def test_headings_and_short_cards_take_no_part():
    assert takes_part(LONG_A)
    assert not takes_part("# " + LONG_A)
    assert not takes_part("  ## Chapter two of the long book about the sea and the keeper")
    assert not takes_part("He left the house at once.")  # 6 words
    assert not takes_part("")


def make_project(path, first, second):
    with Project.create(path) as project:
        project.add_draft(Draft("One", cards=[Card(t) for t in first]))
        project.add_draft(Draft("Two", cards=[Card(t) for t in second]))


def test_find_echoes_across_drafts_with_the_projects_cache(tmp_path):
    path = tmp_path / "p.cardwriter"
    make_project(path, ["# " + LONG_A, LONG_A, "Short card.", LONG_B], [LONG_C, LONG_A.upper(), "# " + LONG_B])
    fake = FakeEmbedder()
    with Project.open(path) as project:
        report = find_echoes(project, fake)
        assert report.cards == 4 and report.embedded == 4 and report.cached == 0
        [echo] = report.echoes
        assert (echo.first.draft_title, echo.first.position, echo.first.text) == ("One", 1, LONG_A)
        assert (echo.second.draft_title, echo.second.position, echo.second.text) == ("Two", 1, LONG_A.upper())
        assert echo.similarity >= ECHO_MIN_SIMILARITY
        drafts = {d.title: d.id for d in project.drafts()}
        assert echo.first.draft_id == drafts["One"] and echo.second.card_id == project.card_ids(drafts["Two"])[1]
        again = find_echoes(project, fake, draft_id=drafts["Two"])
        assert again.cached == 4 and again.embedded == 0 and len(again.echoes) == 1
    with Project.open(path) as project:  # the vectors were written to the file
        assert find_echoes(project, FakeEmbedder()).cached == 4


def test_draft_filter_drops_pairs_elsewhere(tmp_path):
    path = tmp_path / "p.cardwriter"
    make_project(path, [LONG_A, LONG_A.lower()], [LONG_B, LONG_C])
    with Project.open(path) as project:
        drafts = {d.title: d.id for d in project.drafts()}
        assert len(find_echoes(project, FakeEmbedder()).echoes) == 1
        assert find_echoes(project, FakeEmbedder(), draft_id=drafts["Two"]).echoes == []


ECHO = (
    "My grandmother never measured anything when she baked. She judged the flour by the feel "
    "of the dough and the oven by the smell of the crust.",
    "Nan didn't own a measuring cup, as far as I could tell. She knew the dough was right when it "
    "felt right under her palms, and knew the loaf was done when the kitchen smelled a certain way.",
)
SAME_TOPIC = (
    "My grandmother kept a jar of buttons on the kitchen shelf, and I spent hours sorting them "
    "by colour while she cooked.",
    "Grandmother's kitchen was always cold in winter; she refused to heat it, saying the stove "
    "was enough, and we ate in our coats.",
)


@pytest.mark.slow
def test_a_paraphrase_is_an_echo_and_a_same_topic_paragraph_is_not(tmp_path):
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder

    path = tmp_path / "real.cardwriter"
    make_project(path, [ECHO[0], SAME_TOPIC[0]], [SAME_TOPIC[1], ECHO[1]])
    with Project.open(path) as project:
        report = find_echoes(project, SentenceTransformerEmbedder())
    assert [(e.first.text, e.second.text) for e in report.echoes] == [ECHO]
    assert report.echoes[0].similarity > ECHO_MIN_SIMILARITY + 0.02
