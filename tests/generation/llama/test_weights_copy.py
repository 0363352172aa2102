"""The packaged model's Q8_0 copy: the same model, made once, never a broken file in its place."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import gguf
import numpy as np
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
    # no temporary file left behind; beside the copy, the record of its check
    assert sorted(p.name for p in folder.iterdir()) == [first.name, first.name + weights_copy.RECORD_SUFFIX]


def test_a_full_disk_leaves_no_copy_and_the_original_is_used(model_path, disk):
    lib = Backend.ensure(False)
    assert weights_copy.q8_0_copy(model_path, lib, disk) == model_path
    assert list(disk.iterdir()) == []  # the half-written copy is gone


def test_a_folder_that_cannot_be_made_falls_back_to_the_original(model_path, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    lib = Backend.ensure(False)
    assert weights_copy.q8_0_copy(model_path, lib, blocker / "weights") == model_path


def test_a_damaged_copy_is_made_again_and_the_engine_still_loads(model_path, folder):
    folder.mkdir()
    damaged = weights_copy.copy_path(model_path, folder)
    damaged.write_bytes(b"GGUF" + os.urandom(4096))
    with LlamaEngine(model_path, n_threads=2) as engine:
        assert engine.weights == damaged  # the same name, a sound copy again
        assert engine.score(["The lamp was lit at dusk."])[0] < 0
    assert damaged.stat().st_size > 10**8


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


# -- the check before llama.cpp loads a copy in this process -----------------------


def _keeping_size_and_time(copy: Path, change) -> None:
    """Change the copy in place, as a bad sector would: its size and modification time stay."""
    stat = copy.stat()
    reader = gguf.GGUFReader(copy, "r+")
    change(reader)
    reader.data.flush()
    del reader
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert copy.stat().st_size == stat.st_size


def nan_epsilon(copy: Path) -> None:
    """The norm epsilon made NaN: llama.cpp loads the copy, then aborts at the first decode."""

    def change(reader):
        field = reader.fields["llama.attention.layer_norm_rms_epsilon"]
        field.parts[field.data[0]][0] = np.nan

    _keeping_size_and_time(copy, change)


def duplicate_token(copy: Path) -> None:
    """Two tokens of the vocabulary made the same: llama.cpp aborts the load (GGML_ASSERT on the vocabulary)."""

    def change(reader):
        field = reader.fields["tokenizer.ggml.tokens"]
        tokens = [field.parts[i] for i in field.data]
        first, second = [t for t in tokens if len(t) == 1 and 0x61 <= int(t[0]) <= 0x7A][:2]
        second[:] = first

    _keeping_size_and_time(copy, change)


def test_the_check_is_recorded_and_asked_again_only_for_a_changed_copy(model_path, folder):
    lib = Backend.ensure(False)
    checked: list[Path] = []

    def check(copy: Path) -> tuple[str, bool]:
        checked.append(copy)
        return "", True

    copy = weights_copy.q8_0_copy(model_path, lib, folder, check)
    assert checked == [copy] != [model_path]
    assert weights_copy.q8_0_copy(model_path, lib, folder, check) == copy
    assert checked == [copy]  # recorded: no second check
    nan_epsilon(copy)
    assert weights_copy.q8_0_copy(model_path, lib, folder, check) == copy
    assert checked == [copy, copy]  # the header's hash changed: checked again


def test_a_copy_that_fails_is_removed_made_again_and_else_the_original_used(model_path, folder, caplog):
    lib = Backend.ensure(False)
    checked: list[Path] = []

    def broken(copy: Path) -> tuple[str, bool]:
        checked.append(copy)
        return "llama.cpp crashed", True

    with caplog.at_level(logging.WARNING, logger=weights_copy.__name__):
        assert weights_copy.q8_0_copy(model_path, lib, folder, lambda copy: ("", True)) != model_path
        nan_epsilon(weights_copy.copy_path(model_path, folder))
        assert weights_copy.q8_0_copy(model_path, lib, folder, broken) == model_path
    assert len(checked) == 2  # the damaged copy, then the one made again
    assert list(folder.iterdir()) == []
    assert caplog.text.count("cannot be used (llama.cpp crashed); removing it") == 2


def test_a_check_that_could_not_run_keeps_the_copy_for_next_time(model_path, folder):
    lib = Backend.ensure(False)
    copy = weights_copy.q8_0_copy(model_path, lib, folder, lambda copy: ("", True))
    copy.with_name(copy.name + weights_copy.RECORD_SUFFIX).unlink()
    assert weights_copy.q8_0_copy(model_path, lib, folder, lambda copy: ("timed out", False)) == model_path
    assert [p.name for p in folder.iterdir()] == [copy.name]


ENGINE_RUN = """
import logging, sys
logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s: %(message)s")
from cardwriter.generation.llama import LlamaEngine
from cardwriter.generation.model_files import packaged_model
with LlamaEngine(packaged_model(), n_threads=2) as engine:
    print(engine.weights)
    print(engine.score(["The lamp was lit at dusk."])[0])
"""


@pytest.mark.slow
@pytest.mark.parametrize("damage", [nan_epsilon, duplicate_token])
def test_a_copy_damaged_so_llama_cpp_would_abort_is_made_again(model_path, folder, damage):
    """The copy is damaged between runs (size and time kept); the next engine, in its own process, still works."""
    copy = weights_copy.q8_0_copy(model_path, Backend.ensure(False), folder)
    assert copy != model_path
    damage(copy)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3]), "GGML_NO_BACKTRACE": "1"}
    done = subprocess.run([sys.executable, "-c", ENGINE_RUN], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    weights, score = done.stdout.split()
    assert Path(weights) == copy and float(score) < 0  # a sound copy, made again, and used
    assert f"the Q8_0 copy {copy} cannot be used" in done.stderr and "removing it" in done.stderr
