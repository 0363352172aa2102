"""The packaged model's Q8_0 copy: the same model, made once, never a broken file in its place."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from cardwriter.generation.llama import LlamaEngine, weights_copy
from cardwriter.generation.llama.backend import Backend
from tests.support import DEV_PARAGRAPHS


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A fresh copies folder for this test only (the suite otherwise shares one)."""
    path = tmp_path / "weights"
    monkeypatch.setenv(weights_copy.ENV_FOLDER, str(path))
    return path


def _paragraphs(k: int) -> list[str]:
    with open(DEV_PARAGRAPHS, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f][:k]


def test_the_copy_reads_text_as_the_original_does(model_path, folder):
    paragraphs = _paragraphs(6)
    with LlamaEngine(model_path, n_threads=2, fast_weights=False) as original:
        assert original.weights == model_path
        expected = original.score(paragraphs)
    with LlamaEngine(model_path, n_threads=2) as fast:
        assert fast.weights.parent == folder and fast.weights.name.endswith(".q8_0.gguf")
        assert fast.model_name == model_path.stem  # still the model the writer chose
        got = fast.score(paragraphs)
    # the same model: per paragraph within 0.05 nats a token (Q4_0 would move them by ~0.16 on average)
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) < 0.05
    assert sum(got) / len(got) == pytest.approx(sum(expected) / len(expected), abs=0.01)


def test_the_copy_is_made_once_and_reused(model_path, folder):
    lib = Backend.ensure(False)
    first = weights_copy.q8_0_copy(model_path, lib, folder)
    made = first.stat().st_mtime_ns
    again = weights_copy.q8_0_copy(model_path, lib, folder)
    assert again == first and again.stat().st_mtime_ns == made
    assert [p.name for p in folder.iterdir()] == [first.name]  # no temporary file left behind


def test_a_full_disk_leaves_no_copy_and_the_original_is_used(model_path, disk):
    lib = Backend.ensure(False)
    assert weights_copy.q8_0_copy(model_path, lib, disk) == model_path
    assert list(disk.iterdir()) == []  # the half-written copy is gone


def test_a_folder_that_cannot_be_made_falls_back_to_the_original(model_path, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    lib = Backend.ensure(False)
    assert weights_copy.q8_0_copy(model_path, lib, blocker / "weights") == model_path


def test_a_damaged_copy_is_dropped_and_the_engine_still_loads(model_path, folder):
    folder.mkdir()
    damaged = weights_copy.copy_path(model_path, folder)
    damaged.write_bytes(b"GGUF" + os.urandom(4096))
    with LlamaEngine(model_path, n_threads=2) as engine:
        assert engine.weights == model_path
        assert engine.score(["The lamp was lit at dusk."])[0] < 0
    assert not damaged.exists()  # the next start makes a good one


def test_a_changed_source_gets_a_new_copy_and_the_old_one_goes(model_path, tmp_path):
    source = tmp_path / model_path.name
    shutil.copyfile(model_path, source)
    folder = tmp_path / "weights"
    lib = Backend.ensure(False)
    old = weights_copy.q8_0_copy(source, lib, folder)
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))  # an upgraded package
    new = weights_copy.q8_0_copy(source, lib, folder)
    assert new != old and new.is_file() and not old.exists()


def test_other_models_and_the_gpu_load_as_they_are(model_path, tmp_path, folder):
    other = tmp_path / "mine.gguf"
    shutil.copyfile(model_path, other)  # a file the writer picked, not the package's
    with LlamaEngine(other, n_threads=2) as engine:
        assert engine.weights == other
    assert not folder.exists()
