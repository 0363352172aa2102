from cardwriter.embedding.tokens import (
    containment,
    is_looping,
    max_ngram_count,
    ngrams,
    overlap_coefficient,
    repeated_ngram_share,
    shingles,
    words,
)


def test_words_lowercases_drops_punctuation_keeps_apostrophes():
    assert words("Mr. Collins's long SPEECH -- don\u2019t stop_now!") == [
        "mr",
        "collins's",
        "long",
        "speech",
        "don't",
        "stop",
        "now",
    ]


def test_ngrams_of_short_input_is_empty():
    assert ngrams(["a", "b"], 3) == []
    assert ngrams(["a", "b", "c"], 2) == [("a", "b"), ("b", "c")]


def test_shingles_of_text_shorter_than_n_is_the_whole_text():
    assert shingles("Yes, sir.", 3) == {("yes", "sir")}
    assert shingles("", 3) == set()


def test_overlap_coefficient_is_one_for_a_superset():
    a = shingles("the cat sat on the mat", 3)
    b = shingles("the cat sat on the mat and then it slept", 3)
    assert overlap_coefficient(a, b) == 1.0
    assert containment(b, a) == 4 / 8
    assert overlap_coefficient(a, set()) == 0.0


def test_repeated_ngram_share_and_max_count_by_hand():
    toks = words("a b c d a b c d")  # 4-grams: abcd bcda cdab dabc abcd
    assert repeated_ngram_share(toks, 4) == 1 - 4 / 5
    assert max_ngram_count(toks, 4) == 2
    assert repeated_ngram_share(["a"], 4) == 0.0


def test_is_looping_catches_a_loop_but_not_anaphora():
    loop = "The sea was grey. " + "and the waves came in " * 6
    assert is_looping(loop)
    anaphora = (
        "I do not know why she left. I do not know where she went, or with whom. "
        "I do not know whether she will ever come back to this house by the river, "
        "where the willows lean over the water and the boats drift past all summer."
    )
    assert not is_looping(anaphora)
