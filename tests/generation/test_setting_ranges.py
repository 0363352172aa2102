"""The ranges of the numbers generation takes: one set of rules for the command line, the app and the engine."""

from __future__ import annotations

import math

import pytest

from cardwriter.generation import setting_ranges
from cardwriter.generation.setting_ranges import SEED, THREADS, FloatRange, IntRange, OutOfRange


def test_threads_go_up_to_this_computers_cores(monkeypatch):
    monkeypatch.setattr(setting_ranges.os, "cpu_count", lambda: 6)
    assert THREADS.parse("6") == 6 and THREADS.check(1, "threads") == 1
    with pytest.raises(
        OutOfRange, match=r"^threads must be a whole number from 1 to 6 \(the CPU cores of this computer\), not 7$"
    ):
        THREADS.check(7, "threads")
    monkeypatch.setattr(setting_ranges.os, "cpu_count", lambda: None)  # unknown: one core
    assert THREADS.upper() == 1


@pytest.mark.parametrize("bad", [0, -1, 4000, 100000, True, 2.0, "2", None])
def test_a_thread_count_out_of_range_or_not_a_whole_number_is_refused(bad):
    assert THREADS.problem(bad).startswith("must be a whole number from 1 to ")
    with pytest.raises(OutOfRange):
        THREADS.check(bad, "CPU threads")


def test_text_is_parsed_and_checked():
    assert SEED.parse(" 42 ") == 42
    for text, shown in (("-1", "-1"), ("seven", "'seven'"), ("1e3", "'1e3'"), (str(2**31), str(2**31))):
        with pytest.raises(ValueError, match=f"must be a whole number from 0 to 2147483647, not {shown}$"):
            SEED.parse(text)
    assert IntRange(1).parse("123456789") == 123456789  # no upper limit


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "1.5", "-0.1", "x"])
def test_a_number_must_be_finite_and_in_range(bad):
    with pytest.raises(ValueError, match=f"must be a number from 0 to 1, not '{bad}'"):
        FloatRange(0.0, 1.0).parse(bad)
    assert FloatRange(0.0, 1.0).parse("0.25") == 0.25
    with pytest.raises(OutOfRange, match="lambda must be a number from 0 to 1, not nan"):
        FloatRange(0.0, 1.0).check(math.nan, "lambda")


@pytest.mark.parametrize(("argument", "value"), [("n_threads", 100000), ("n_threads", 0), ("n_threads_batch", 4000)])
def test_the_engine_refuses_thread_counts_llama_cpp_crashes_or_hangs_on(model_path, argument, value):
    from cardwriter.generation.llama import LlamaEngine

    with pytest.raises(OutOfRange, match=f"CPU threads.* must be a whole number from 1 to {THREADS.upper()}"):
        LlamaEngine(model_path, **{argument: value})
