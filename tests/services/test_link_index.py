"""The link index: each card's note links and echoes, kept up to date as cards change.

The logic runs on the FakeEmbedder (word overlap stands in for meaning, and ``encoded``
counts what was embedded); the slow test uses the real all-MiniLM-L6-v2: a paraphrase in
another draft is an echo, the note on the paragraph's subject is its note link, and an
unrelated note is not.
"""

from __future__ import annotations

import pytest

from cardwriter.domain.links import LinkKind
from cardwriter.domain.model import Note
from cardwriter.embedding.cache import text_hash
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.services.echoes import EchoCard
from cardwriter.services.link_index import LinkIndex

KEEPER = "The keeper climbed the hundred steps of the tower every evening before the sun went down."
KEEPER_AGAIN = "The keeper climbed the hundred steps of the tower every evening before the sun went down again."
HARBOUR = "Rain fell on the harbour all afternoon while the fishing boats waited at their moorings."
COMMITTEE = "The committee argued for three hours about the parking rules and decided nothing at all."


def card(card_id: str, text: str, draft: str = "d1", title: str = "One", position: int = 0) -> EchoCard:
    return EchoCard(card_id, draft, title, position, text)


def same_links(one, two) -> bool:
    """The same links for the same cards, in the same order (cosines equal to float32 rounding)."""
    if one.keys() != two.keys():
        return False
    pairs = [(a, b) for card_id in one for a, b in zip(one[card_id], two[card_id], strict=False)]
    return all(len(one[c]) == len(two[c]) for c in one) and all(
        (a.kind, a.target_id) == (b.kind, b.target_id) and a.similarity == pytest.approx(b.similarity, abs=1e-5)
        for a, b in pairs
    )


def index(embedder=None) -> LinkIndex:
    # The fake's cosines are word overlap: bars chosen so near-copies pair and strangers do not.
    return LinkIndex(embedder or FakeEmbedder(), note_min=0.5, echo_min=0.8)


def test_a_near_copy_in_another_draft_is_an_echo_both_ways_with_where_it_is():
    links = index()
    cards = [card("a", KEEPER), card("b", HARBOUR, position=1), card("c", KEEPER_AGAIN, "d2", "Two", 4)]
    assert links.update(cards, [])
    found = links.links(["a", "b", "c"])
    [echo] = found["a"]
    assert (echo.kind, echo.target_id, echo.text, echo.source, echo.draft_id, echo.position) == (
        LinkKind.ECHO,
        "c",
        KEEPER_AGAIN,
        "Two",
        "d2",
        4,
    )
    assert [link.target_id for link in found["c"]] == ["a"] and found["b"] == []


def test_note_links_come_first_and_a_dismissed_link_is_not_offered():
    links = index()
    note = Note(HARBOUR + " Gulls too.", source="log book", id="n1")
    cards = [card("a", HARBOUR), card("b", HARBOUR + " Again.", position=1)]
    links.update(cards, [note, Note(COMMITTEE, id="n2")])
    found = links.links(["a"])
    assert [(link.kind, link.target_id) for link in found["a"]] == [(LinkKind.NOTE, "n1"), (LinkKind.ECHO, "b")]
    assert found["a"][0].source == "log book"
    assert links.links(["a"], {"a": {"n1", "b"}}) == {"a": []}
    assert [link.target_id for link in links.links(["b"], {"a": {"n1"}})["b"]] == ["n1", "a"]  # only for "a"


def test_short_cards_and_headings_get_no_links_and_unknown_cards_get_none():
    links = index()
    links.update([card("a", KEEPER), card("h", "# " + KEEPER), card("s", "The keeper climbed.")], [Note(KEEPER)])
    found = links.links(["h", "s", "missing"])
    assert found == {"h": [], "s": [], "missing": []}


def test_a_changed_card_is_embedded_alone_and_paired_again():
    fake = FakeEmbedder()
    links = index(fake)
    # Twenty cards in pairs: each pair shares its words (an echo), no two pairs share any.
    cards = [card(str(i), " ".join(f"w{i // 2}x{n}" for n in range(12)) + f" end{i}", position=i) for i in range(20)]
    cards.append(card("k", KEEPER, position=20))
    links.update(cards, [])
    assert links.links(["k"])["k"] == []
    before = fake.encoded
    cards[3] = card("3", KEEPER_AGAIN, position=3)  # the writer rewrote card 3: now it echoes "k"
    links.update(cards, [])
    assert fake.encoded - before == 1
    assert [link.target_id for link in links.links(["k"])["k"]] == ["3"]
    assert links.links(["2"])["2"] == []  # its old partner has lost its echo
    fresh = index()
    fresh.update(cards, [])
    assert same_links(fresh.links([c.card_id for c in cards]), links.links([c.card_id for c in cards]))


def test_a_removed_card_is_no_longer_anyones_echo():
    links = index()
    cards = [card("a", KEEPER), card("b", KEEPER_AGAIN, position=1)] + [
        card(f"x{i}", f"{HARBOUR} Boat {i}.", position=2 + i) for i in range(10)
    ]
    links.update(cards, [])
    assert [link.target_id for link in links.links(["a"])["a"]] == ["b"]
    links.update([c for c in cards if c.card_id != "b"], [])
    assert links.links(["a"])["a"] == []


def test_vectors_from_the_cache_are_not_embedded_again_and_new_ones_are_handed_out_once():
    fake = FakeEmbedder()
    links = index(fake)
    known = FakeEmbedder().encode([KEEPER])[0]
    links.add_vectors({text_hash(KEEPER): known})
    cards = [card("a", KEEPER), card("b", HARBOUR, position=1)]
    assert links.wanted_hashes(cards, []) == [text_hash(HARBOUR)]
    links.update(cards, [])
    assert fake.encoded == 1
    assert list(links.take_new_vectors()) == [text_hash(HARBOUR)]
    assert links.take_new_vectors() == {}


def test_a_cancelled_update_keeps_the_links_it_had():
    links = index()
    links.update([card("a", KEEPER), card("b", KEEPER_AGAIN, position=1)], [])
    assert not links.update([card("a", KEEPER), card("b", HARBOUR, position=1)], [], cancelled=lambda: True)
    assert [link.target_id for link in links.links(["a"])["a"]] == ["b"]


GRANDMOTHER = (
    "My grandmother never measured anything when she baked. She judged the flour by the feel "
    "of the dough and the oven by the smell of the crust."
)
NAN = (
    "Nan didn't own a measuring cup, as far as I could tell. She knew the dough was right when it "
    "felt right under her palms, and knew the loaf was done when the kitchen smelled a certain way."
)
BUTTONS = (
    "My grandmother kept a jar of buttons on the kitchen shelf, and I spent hours sorting them "
    "by colour while she cooked."
)


@pytest.mark.slow
def test_with_minilm_a_paraphrase_is_an_echo_and_the_note_on_its_subject_a_link():
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder

    links = LinkIndex(SentenceTransformerEmbedder())
    cards = [card("g", GRANDMOTHER), card("b", BUTTONS, position=1), card("n", NAN, "d2", "Chapter 2", 7)]
    notes = [
        Note("Old bakers never weighed flour; they knew dough by feel.", id="dough"),
        Note("Salt was once so valuable that soldiers were paid in it.", id="salt"),
    ]
    assert links.update(cards, notes)
    found = links.links(["g", "b", "n"])
    assert [(link.kind, link.target_id) for link in found["g"]] == [(LinkKind.NOTE, "dough"), (LinkKind.ECHO, "n")]
    assert found["n"][-1].target_id == "g"
    assert "salt" not in [link.target_id for links_ in found.values() for link in links_]
    assert "b" not in [link.target_id for link in found["g"]]  # same grandmother, another thing said
