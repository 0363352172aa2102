"""The names, numbers and quoted titles of a paragraph, and what a variant states that it was not given."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cardwriter.domain.facts import Invented, find_names, find_numbers, find_titles, invented, name_key

EVERYDAY = frozenset("the then she he it perhaps beneath after when every for in at her his they we you".split())


def common(word: str) -> bool:
    """A small stand-in for the everyday-English list: these words are not names at a sentence's start."""
    return word in EVERYDAY


KEEPER = (
    "For eleven years Margaret kept the light at Godrevy, and every Monday she rowed the two miles "
    "to St Ives for oil. In the winter of 1891 the lamp failed only once."
)


# -- names --------------------------------------------------------------------


def test_capitalised_words_mid_sentence_are_names_as_written():
    names = find_names(KEEPER, common)
    assert names == {"margaret": "Margaret", "godrevy": "Godrevy", "monday": "Monday", "st": "St", "ives": "Ives"}


def test_a_sentence_initial_everyday_word_is_not_a_name_but_a_sentence_initial_name_is():
    text = "Perhaps the boat was late. Nigel said nothing. Then Anne laughed."
    assert set(find_names(text, common)) == {"nigel", "anne"}
    # without an everyday-word list every capitalised word counts, the openings too
    assert set(find_names(text)) == {"perhaps", "nigel", "then", "anne"}


def test_an_everyday_word_mid_sentence_is_a_name_when_capitalised():
    # "Then" is everyday only where capitals are expected: mid-sentence its capital marks a name (a pub)
    assert "then" in find_names("They met at the Then and Now on the quay.", common)


def test_a_word_after_an_opening_quote_starts_a_sentence():
    text = 'She turned and said, "Perhaps the tide will wait." Margaret shook her head.'
    assert set(find_names(text, common)) == {"margaret"}
    assert set(find_names('He whispered, "Nigel is late."', common)) == {"nigel"}
    assert set(find_names("She said \u201cThen we row,\u201d and they rowed.", common)) == set()


def test_an_apostrophe_after_a_letter_is_no_opening_quote():
    # "Bennets' House": the capital follows a possessive, not the start of speech, so it is a name
    assert "house" in find_names("They dined at the Bennets' House of an evening.", lambda w: w == "house")


def test_possessives_share_the_name_key():
    names = find_names("It was Darcy's pride that stung her, not Darcy himself.", common)
    assert list(names) == ["darcy"]
    assert names["darcy"] == "Darcy's"  # as first written
    assert name_key("Darcy\u2019s") == "darcy"


def test_i_and_its_contractions_are_never_names():
    text = "When I came home, I'm sure I'd left the lamp lit. I\u2019ll go back, said I."
    assert find_names(text) == {"when": "When"}


def test_capitalised_number_words_are_numbers_not_names():
    names = find_names("Eleven years passed. Twenty-six ships went by.", common)
    assert names == {}


# -- numbers ------------------------------------------------------------------


def test_digits_are_numbers():
    assert find_numbers("In 1987 she caught the 8:52 to Leeds, platform 3.") == {"1987", "8:52", "3"}


def test_thousands_with_a_comma_and_in_words_are_the_same_number():
    assert find_numbers("The lamp cost 2,000 pounds.") == find_numbers("The lamp cost two thousand pounds.") == {"2000"}


def test_number_words_combine():
    assert find_numbers("She was twenty-six.") == {"26"}
    assert find_numbers("She was twenty six.") == {"26"}
    assert find_numbers("two hundred and five steps") == {"205"}
    assert find_numbers("a dozen eggs") == {"12"}


def test_ordinals_from_third_on_are_numbers():
    assert find_numbers("It was the third time that week, on the twentieth of May.") == {"3", "20"}


def test_a_century_is_not_eleven_years():
    century = find_numbers("For a century she kept the light.")
    years = find_numbers("For eleven years she kept the light.")
    assert century == {"century"} and years == {"11"}
    assert find_numbers("Decades later the lamp was lit again.") == {"decade"}


def test_one_first_and_second_are_not_counted():
    assert find_numbers("No one came. At first she waited a second, then one more minute.") == frozenset()


# -- titles -------------------------------------------------------------------


def test_a_short_capitalised_span_in_quotes_is_a_title():
    assert find_titles('She read "The Secret History" twice on the commute.') == {"the secret history"}
    assert find_titles("He called it \u2018The Long Winter\u2019 in his letters.") == {"the long winter"}


def test_speech_in_quotes_is_not_a_title():
    assert find_titles('"You said eight," he replied.') == frozenset()
    assert find_titles('"Is it you, Anne?" she asked. "Come in."') == frozenset()
    assert find_titles('He said "the train was late again" and sighed.') == frozenset()  # no capital


# -- invented -----------------------------------------------------------------


def test_a_faithful_rewrite_invents_nothing():
    variant = (
        "Margaret kept the light at Godrevy for eleven years; each Monday she rowed two miles to St Ives "
        "to fetch oil. The lamp failed just once, in the winter of 1891."
    )
    assert not invented(variant, [KEEPER], common)


def test_a_renamed_person_is_invented():
    variant = KEEPER.replace("Margaret", "Nigel")
    found = invented(variant, [KEEPER], common)
    assert found.names == ("Nigel",) and found.numbers == () and found.titles == ()


def test_an_added_city_is_invented():
    variant = KEEPER.replace("to St Ives for oil", "to St Ives and on to Lisbon for oil")
    assert invented(variant, [KEEPER], common).names == ("Lisbon",)


def test_a_changed_number_is_invented():
    assert invented(KEEPER.replace("eleven years", "a century"), [KEEPER], common).numbers == ("century",)
    assert invented(KEEPER.replace("1891", "1884"), [KEEPER], common).numbers == ("1884",)
    assert invented(KEEPER.replace("two miles", "three miles"), [KEEPER], common).numbers == ("3",)


def test_the_same_number_written_another_way_is_not_invented():
    assert not invented("The lamp cost two thousand pounds.", ["The lamp cost 2,000 pounds."], common)


def test_a_dropped_fact_is_fine():
    assert not invented("Margaret kept the light, and rowed out for oil.", [KEEPER], common)


def test_a_capitalised_word_the_source_has_in_lower_case_is_fine():
    source = "They took tea in the drawing-room while the lighthouse keeper slept."
    assert not invented("They took tea in the Drawing-Room while the Lighthouse Keeper slept.", [source], common)


def test_the_plural_or_singular_of_a_given_name_is_fine():
    # "every Monday" -> "on Mondays", "Mrs. Bennet" -> "the Bennets": the same days, the same family
    assert not invented(KEEPER.replace("every Monday", "on Mondays"), [KEEPER], common)
    assert not invented("The Bennets dined early.", ["Mrs. Bennet dined early."], common)
    assert not invented("Every Bennet dined early.", ["The Bennets dined early."], common)


def test_a_fact_from_any_given_text_is_fine():
    notes = "Nigel brought the oil from Penzance."
    variant = "Margaret kept the light, and Nigel brought the oil from Penzance every Monday."
    assert invented(variant, [KEEPER], common).names == ("Nigel", "Penzance")
    assert not invented(variant, [KEEPER, notes], common)


def test_a_continuation_may_move_the_clock_on_but_not_bring_in_a_stranger():
    variant = "Twelve years on, in 1903, the lamp failed a second time."
    assert invented(variant, [KEEPER], common).numbers == ("12", "1903")
    assert not invented(variant, [KEEPER], common, numbers=False)
    stranger = "Twelve years on, Nigel came to Godrevy."
    assert invented(stranger, [KEEPER], common, numbers=False) == Invented(names=("Nigel",))


def test_an_invented_title_is_found():
    found = invented('On the commute she read "The Secret History" again.', ["On the commute she read."], common)
    assert found.titles == ("the secret history",)
    assert not invented(
        'She read "The Secret History" on the train.', ['On the commute she read "The Secret History".'], common
    ).titles


def test_describe_says_what_was_invented_in_words_a_writer_reads():
    assert Invented(names=("Lisbon",)).describe() == 'invents name "Lisbon"'
    both = Invented(names=("Nigel", "Lisbon"), numbers=("12", "1884"))
    assert both.describe() == 'invents names "Nigel", "Lisbon"; numbers "12", "1884"'
    titled = invented('She read "The Secret History".', ["She read."], common).describe()
    assert titled.startswith("invents ") and "title" in titled and "secret history" in titled.lower()


def test_an_empty_invented_is_false_and_a_filled_one_true():
    assert not Invented()
    assert Invented(numbers=("century",))


PIECES = "Margaret the Mr. no. two thousand twenty-six 1,891 8:52 I'm Darcy's century".split() + list(
    "\"\u201c\u201d'.!?, \n\u03a3"
)  # words, number words, quotes and punctuation, glued in any order


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(st.sampled_from(PIECES)).map(" ".join),
    )
)
@example("Anna'\u03a3 \"")  # a quoted capital sigma lowers to "\u03c2" in the whole text, "\u03c3" alone
def test_a_text_invents_nothing_against_itself(text):
    assert not invented(text, [text])
    assert not invented(text, [text], common)
