from cardwriter.embedding.fluency import (
    content_words,
    english_stopword_share,
    label_opening,
    non_latin_share,
    reads_as_english,
    shared_content_words,
    wrong_language,
)

ENGLISH = "The keeper climbed the stairs of the lighthouse and looked out at the grey sea for a long while."
OTHER_ENGLISH = "She kept the letters in a drawer and read them again when the house was quiet at night."
SPANISH = "El guardián subió las escaleras del faro y miró el mar gris durante mucho tiempo, sin decir nada."
GERMAN = "Der Wärter stieg die Treppe des Leuchtturms hinauf und blickte lange auf das graue Meer hinaus."
RUSSIAN = "Смотритель поднялся по лестнице маяка и долго смотрел на серое море."


def test_english_prose_has_many_stopwords_and_other_languages_few():
    assert english_stopword_share(ENGLISH) > 0.3
    assert english_stopword_share(SPANISH) < 0.15
    assert english_stopword_share(GERMAN) < 0.15
    assert english_stopword_share("") == 0.0


def test_non_latin_script_share():
    assert non_latin_share(ENGLISH) == 0.0
    assert non_latin_share(RUSSIAN) > 0.9
    assert reads_as_english(ENGLISH) and not reads_as_english(RUSSIAN)


def test_wrong_language_only_when_the_parents_are_english():
    for text in (SPANISH, GERMAN, RUSSIAN):
        assert wrong_language(text, (ENGLISH, OTHER_ENGLISH)) is not None
    assert "Latin" in wrong_language(RUSSIAN, (ENGLISH,))
    assert wrong_language(OTHER_ENGLISH, (ENGLISH,)) is None
    # a Spanish writer's Spanish variant is not judged
    assert wrong_language(SPANISH, (SPANISH,)) is None


def test_label_openings_are_found_and_prose_passes():
    for text in (
        "Original: The keeper climbed the stairs.",
        "Rewrite: The keeper climbed.",
        "Here is a paragraph that joins them.",
        "Sure, the keeper climbed.",
        "From scratch: The keeper climbed.",
        "This sentence conveys the loneliness of the keeper.",
        '"Rewritten paragraph: the keeper climbed."',
        "**New version:** The keeper climbed.",
    ):
        assert label_opening(text) is not None, text
    for text in (ENGLISH, "Here and there a lamp burned.", "Surely he knew.", "Originally the house stood alone."):
        assert label_opening(text) is None, text


def test_content_words_leave_out_stopwords_and_match_plurals():
    words = content_words("The lamps of the keepers burned over the sea.")
    assert {"lamp", "keeper", "burned"} <= words
    assert "the" not in words and "of" not in words and "sea" not in words  # under four letters
    assert shared_content_words("A lamp burned in the drawer.", ENGLISH + " " + OTHER_ENGLISH) == {"drawer"}
