"""JSON from outside: nesting is measured and refused before parsing; only ValueError ever comes out."""

from __future__ import annotations

import json
import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardwriter import json_input
from cardwriter.json_input import MAX_DEPTH, TooDeep, nesting_depth

FUZZ = settings(max_examples=200, deadline=None)

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=40,
)


def depth_of(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    return 0


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_30000_deep_array_is_refused_before_parsing():
    with pytest.raises(TooDeep, match="nested more than 100 levels deep"):
        json_input.loads(nested(30_000))
    with pytest.raises(ValueError):  # what callers catch
        json_input.loads('{"a": ' * 30_000)


def test_nesting_up_to_the_limit_parses():
    assert depth_of(json_input.loads(nested(MAX_DEPTH))) == MAX_DEPTH
    with pytest.raises(TooDeep):
        json_input.loads(nested(MAX_DEPTH + 1))


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"text": "[" * 5000 + '\\"{' * 100, "more": ["]]]", "[[["]})
    assert nesting_depth(text) == 2
    assert json_input.loads(text)["more"] == ["]]]", "[[["]


def test_an_unclosed_string_runs_to_the_end_and_the_parser_says_so():
    with pytest.raises(ValueError):
        json_input.loads('["abc' + "[" * 500)


def test_bytes_are_read_as_json_reads_them():
    assert json_input.loads('{"a": [1]}'.encode("utf-16")) == {"a": [1]}
    assert json_input.loads(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError):
        json_input.loads(b'{"a": "\xff"}')


def test_the_scan_is_linear():
    started = time.monotonic()
    with pytest.raises(TooDeep):
        json_input.loads("[" * 5_000_000)
    assert nesting_depth("[]" * 100_000 + '"' + "x" * 1_000_000 + '"') == 1
    assert time.monotonic() - started < 3


@FUZZ
@given(json_values)
def test_any_json_value_reads_back_and_its_depth_is_measured(value):
    text = json.dumps(value)
    assert nesting_depth(text, limit=10**6) == depth_of(value)
    if depth_of(value) <= MAX_DEPTH:
        assert json_input.loads(text) == value


@FUZZ
@given(st.text(alphabet=st.sampled_from('[]{}"\\:,0a \n') | st.characters(), max_size=300))
def test_any_text_parses_or_raises_value_error(text):
    try:
        json_input.loads(text)
    except ValueError as exc:
        assert str(exc)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_value_error(data):
    try:
        json_input.loads(data)
    except ValueError as exc:
        assert str(exc)


# -- every reader of JSON from a file uses the limit -----------------------------------

DEEP = "[" * 30_000 + "]" * 30_000


def test_the_settings_store_reads_a_deep_or_odd_file_as_empty(tmp_path):
    from cardwriter.generation.json_store import read_json_object

    cases = {"deep": DEEP, "deep-900": '{"a": ' + "[" * 900 + "]" * 900 + "}", "list": "[1, 2]", "broken": "{"}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        assert read_json_object(tmp_path / name) == {}, name
    (tmp_path / "big").write_text('{"a": "' + "x" * 2000 + '"}')
    assert read_json_object(tmp_path / "big", max_bytes=1000) == {}
    (tmp_path / "bom").write_bytes(b'\xef\xbb\xbf{"a": 1}')
    assert read_json_object(tmp_path / "bom") == {"a": 1}
    assert read_json_object(tmp_path / "missing") == {}
    assert read_json_object(tmp_path) == {}  # a folder


def test_a_named_pipe_in_place_of_a_settings_file_does_not_block(tmp_path):
    from cardwriter.generation.json_store import read_json_object

    os.mkfifo(tmp_path / "pipe")
    assert read_json_object(tmp_path / "pipe") == {}


def test_a_deep_default_model_config_means_no_default():
    from cardwriter.generation import model_config

    model_config.config_path().parent.mkdir(parents=True, exist_ok=True)
    model_config.config_path().write_text('{"default_model": ' + DEEP + "}")
    assert model_config.default_model() is None


def test_a_deep_or_damaged_probe_cache_means_probing_again():
    from cardwriter.generation import model_probe

    model_probe.cache_path().parent.mkdir(parents=True, exist_ok=True)
    model_probe.cache_path().write_text(DEEP)
    assert model_probe._read_cache() == {}
    model_probe.cache_path().write_text(json.dumps({"a": 5, "b": {"ok": True}}))
    assert model_probe._read_cache() == {"b": {"ok": True}}


def test_a_deep_download_sidecar_reads_as_none(tmp_path):
    from cardwriter.generation.model_download import download_info, sidecar_path

    sidecar_path(tmp_path / "m.gguf").write_text(DEEP)
    assert download_info(tmp_path / "m.gguf") == {}


def test_a_deep_list_in_a_project_file_is_repaired_as_empty():
    from cardwriter.storage.rows import TextReader

    reader = TextReader()
    assert reader.json_list(DEEP, "variant v1") == ()
    assert reader.repairs == ["variant v1: an unreadable list, shown as empty"]


def test_a_deep_recovery_file_is_a_clear_error(tmp_path):
    from cardwriter.errors import UserError
    from cardwriter.services.recovery import RecoveryJournal

    journal = RecoveryJournal(tmp_path)
    journal.file_for(tmp_path / "p.cardwriter").write_text(DEEP)
    with pytest.raises(UserError, match="is damaged"):
        journal.pending(tmp_path / "p.cardwriter")


def test_a_deep_line_in_a_diversity_input_is_a_clear_error(tmp_path):
    from cardwriter.errors import UserError
    from cardwriter.evaluation.diversity_input import load_paragraphs

    (tmp_path / "in.jsonl").write_text('{"text": "One."}\n' + DEEP + "\n")
    with pytest.raises(UserError, match=r"line 2: unusable JSON \(nested more than 100 levels deep\)"):
        load_paragraphs(tmp_path / "in.jsonl")
