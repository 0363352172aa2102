"""One sequence's record: its text, token count and finish reason as tokens arrive (no model)."""

from __future__ import annotations

from cardwriter.generation.llama.sequence import SequenceState
from cardwriter.generation.protocol import FINISH_CANCELLED, FINISH_LENGTH, FINISH_STOP


def sequence(max_tokens: int = 100) -> SequenceState:
    return SequenceState(index=2, chain=None, max_tokens=max_tokens, n_past=10)


def test_each_token_adds_its_piece_and_is_counted():
    seq = sequence()
    assert seq.take(5, b"The", stop_at_paragraph_end=True) == "The"
    assert seq.take(6, b" sea", stop_at_paragraph_end=True) == " sea"
    assert (seq.text, seq.tokens, seq.next_token, seq.finish_reason) == ("The sea", 2, 6, None)


def test_end_of_generation_finishes_without_text_or_count():
    seq = sequence()
    seq.take(5, b"Calm", stop_at_paragraph_end=True)
    assert seq.take(2, None, stop_at_paragraph_end=True) == ""
    assert (seq.text, seq.tokens, seq.finish_reason) == ("Calm", 1, FINISH_STOP)


def test_the_budget_ends_the_sequence_on_its_last_token():
    seq = sequence(max_tokens=2)
    seq.take(5, b"One", stop_at_paragraph_end=True)
    assert seq.finish_reason is None
    seq.take(6, b" two", stop_at_paragraph_end=True)
    assert seq.finish_reason == FINISH_LENGTH


def test_a_blank_line_after_the_paragraph_ends_it_and_is_cut_off():
    seq = sequence()
    seq.take(5, b"Done.\n", stop_at_paragraph_end=True)
    assert seq.finish_reason is None
    assert seq.take(6, b"\nNext", stop_at_paragraph_end=True) == ""
    assert (seq.text, seq.finish_reason) == ("Done.", FINISH_STOP)


def test_a_blank_line_after_a_preamble_or_without_paragraph_stop_goes_on():
    preamble = sequence()
    preamble.take(5, b"Here is the rewrite:\n\n", stop_at_paragraph_end=True)
    assert preamble.finish_reason is None
    free = sequence()
    free.take(5, b"Done.\n\nNext", stop_at_paragraph_end=False)
    assert (free.text, free.finish_reason) == ("Done.\n\nNext", None)


def test_a_character_split_over_two_tokens_appears_whole():
    seq = sequence()
    assert seq.take(5, "é".encode()[:1], stop_at_paragraph_end=True) == ""
    assert seq.take(6, "é".encode()[1:], stop_at_paragraph_end=True) == "é"
    assert (seq.text, seq.tokens) == ("é", 2)


def test_done_gives_the_cleaned_text_and_flushes_a_half_character():
    seq = sequence()
    seq.take(5, b'"A quiet harbour."', stop_at_paragraph_end=True)
    done = seq.done(FINISH_CANCELLED, 1.5)
    assert (done.index, done.text, done.tokens, done.finish_reason, done.seconds) == (
        2,
        "A quiet harbour.",
        1,
        FINISH_CANCELLED,
        1.5,
    )
    cut = sequence()
    cut.take(5, b"Caf\xc3", stop_at_paragraph_end=True)
    assert cut.done(FINISH_LENGTH, 0.1).text == "Caf\ufffd"


def test_done_reports_the_mean_log_probability_of_the_tokens_written():
    seq = sequence()
    for token, piece, log_prob in ((5, b"The", -0.5), (6, b" sea", -2.5)):
        seq.take(token, piece, stop_at_paragraph_end=True)
        seq.log_prob_sum += log_prob  # the run adds each token's, read from the logits it was sampled from
    assert seq.done(FINISH_STOP, 0.1).log_prob == -1.5
    assert sequence().done(FINISH_CANCELLED, 0.0).log_prob is None  # nothing written, nothing to say
