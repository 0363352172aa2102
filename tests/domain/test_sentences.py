"""Sentences of prose with their offsets, and where a text cut off mid-sentence can be trimmed back to."""

from __future__ import annotations

from cardwriter.domain.sentences import ends_a_sentence, last_sentence_end, sentence_texts, split_sentences

KEEPER = (
    "Every evening the keeper's daughter climbed the hundred steps. She trimmed the wick! "
    "Did the ships see it?  Nobody ever wrote to say."
)


def test_sentences_come_with_offsets_that_point_back_into_the_paragraph():
    found = split_sentences(KEEPER)
    assert [s.text for s in found] == [
        "Every evening the keeper's daughter climbed the hundred steps.",
        "She trimmed the wick!",
        "Did the ships see it?",
        "Nobody ever wrote to say.",
    ]
    assert all(KEEPER[s.start : s.end] == s.text for s in found)
    assert found[0].start == 0 and found[-1].end == len(KEEPER)
    assert found[3].start == KEEPER.index("Nobody")  # the double space before it is no part of it


def test_spaces_and_line_breaks_around_sentences_are_not_part_of_them():
    text = "  The tide turned.\nThe boats came in.  "
    found = split_sentences(text)
    assert [s.text for s in found] == ["The tide turned.", "The boats came in."]
    assert [(s.start, s.end) for s in found] == [(2, 18), (19, 37)]


def test_mr_darcy_and_other_titles_do_not_end_a_sentence():
    text = "It is a truth universally acknowledged. Mr. Darcy bowed to Mrs. Bennet and Dr. Jones. She coloured."
    assert sentence_texts(text) == [
        "It is a truth universally acknowledged.",
        "Mr. Darcy bowed to Mrs. Bennet and Dr. Jones.",
        "She coloured.",
    ]


def test_initials_do_not_end_a_sentence():
    assert sentence_texts("The letter was signed J. K. Rowling. Nobody believed it.") == [
        "The letter was signed J. K. Rowling.",
        "Nobody believed it.",
    ]


def test_saying_no_ends_a_sentence_but_a_numbered_house_does_not():
    assert sentence_texts("She shook her head and said no. Perhaps he was right.") == [
        "She shook her head and said no.",
        "Perhaps he was right.",
    ]
    assert sentence_texts("They lived at No. 4 Harley Street. It was cold.") == [
        "They lived at No. 4 Harley Street.",
        "It was cold.",
    ]
    assert ends_a_sentence('"Will you marry me?" he asked. She said no.')


def test_speech_that_ends_a_sentence_takes_its_closing_quote_with_it():
    text = 'She said, "I will come at nine." Then she left. He called after her, \u201cWait!\u201d Nobody answered.'
    assert sentence_texts(text) == [
        'She said, "I will come at nine."',
        "Then she left.",
        "He called after her, \u201cWait!\u201d",
        "Nobody answered.",
    ]


def test_speech_ending_in_a_comma_stays_in_its_sentence():
    assert sentence_texts('"I will come at nine," she said. Then she left.') == [
        '"I will come at nine," she said.',
        "Then she left.",
    ]


def test_speech_followed_by_its_speaker_in_lower_case_is_one_sentence():
    # the module's contract: a sentence ends before what can start a sentence, and "she cried" cannot
    assert sentence_texts('"Come here!" she cried. He did not move.') == [
        '"Come here!" she cried.',
        "He did not move.",
    ]


def test_a_text_without_end_punctuation_is_one_sentence_and_empty_text_none():
    assert sentence_texts("the lamp, the stairs, the long dark") == ["the lamp, the stairs, the long dark"]
    assert split_sentences("") == []
    assert split_sentences("  ...  ") == []  # no letter: not a sentence


def test_last_sentence_end_of_a_text_cut_off_mid_sentence_is_where_the_sentence_before_it_ended():
    text = "The keeper climbed the stairs. She counted the steps as her father had"
    end = last_sentence_end(text)
    assert end == len("The keeper climbed the stairs.")
    assert text[:end] == "The keeper climbed the stairs."


def test_last_sentence_end_of_a_complete_text_is_its_end_without_trailing_space():
    text = 'He waited for the 8:52 to Leeds. "It is late again," she said.   \n'
    assert last_sentence_end(text) == len(text.rstrip())


def test_last_sentence_end_does_not_stop_at_mr_when_the_text_is_cut_off_after_it():
    text = "Elizabeth smiled. She turned to Mr. Darcy and"
    assert last_sentence_end(text) == len("Elizabeth smiled.")


def test_no_complete_sentence_means_no_end():
    assert last_sentence_end("She counted the steps as her father had") is None
    assert last_sentence_end("") is None


def test_ends_a_sentence():
    assert ends_a_sentence("The commute took forty minutes. The train was late.")
    assert ends_a_sentence("Was the train late?  ")
    assert ends_a_sentence('"The train is late," she said.')
    assert ends_a_sentence("She waited\u2026")
    assert not ends_a_sentence("The commute took forty minutes. The train was")
    assert not ends_a_sentence("She stepped off at Leeds, where Mr.")
    assert not ends_a_sentence("")
    assert not ends_a_sentence("   ")
