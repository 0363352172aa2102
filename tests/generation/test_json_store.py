"""Writing the generation layer's small JSON files: whole or not at all."""

from __future__ import annotations

import json

import pytest

from cardwriter.generation.json_store import write_json


def test_a_file_is_written_and_replaced_whole(tmp_path):
    target = tmp_path / "deeper" / "config.json"
    write_json(target, {"a": 1})
    write_json(target, {"b": [2, 3]})
    assert json.loads(target.read_text()) == {"b": [2, 3]}
    assert [p.name for p in target.parent.iterdir()] == ["config.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "config.json"
    write_json(target, {"kept": True})
    with pytest.raises(TypeError):
        write_json(target, {"not json": object()})
    assert json.loads(target.read_text()) == {"kept": True}
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]
