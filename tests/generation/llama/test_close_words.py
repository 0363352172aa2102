"""Which words a close rewrite may reword and which tokens it may write (token texts only, no model)."""

from __future__ import annotations

from cardwriter.generation.llama.close_words import editable, plain_tokens, protected


def test_a_place_starts_only_at_a_lower_case_word_that_is_not_fixed():
    pieces = ["The", " keeper", " walked", " he", " Margaret", "walked", " not"]
    assert editable(pieces) == [False, True, True, False, False, False, False]


def test_names_numbers_quotes_pronouns_and_negations_are_protected():
    assert protected([" Margaret", " 74", '"', " not", " walked", " he"]) == [True, True, True, True, False, True]


def test_the_model_writes_no_name_number_quotation_mark_line_break_or_fixed_word():
    texts = [" walked", " Margaret", " 1891", ' "', "\n", " never", " 'Hello", " don't", " I'm", " I"]
    assert plain_tokens(texts).tolist() == [True, False, False, False, False, False, False, True, True, False]
