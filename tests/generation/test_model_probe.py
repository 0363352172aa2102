"""A model file is loaded first in a child process: a file that crashes llama.cpp is a message, not an abort."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cardwriter.errors import UserError
from cardwriter.generation import model_probe
from cardwriter.generation.gguf_header import NotGGUF
from cardwriter.generation.model_probe import ModelError, cache_path, probe_model, run_probe

from .hostile_models import aborting_gguf, tensorless_gguf, tiny_llama_gguf

REPO = Path(__file__).resolve().parents[2]


def cached_verdicts() -> list[dict[str, object]]:
    return list(json.loads(cache_path().read_text(encoding="utf-8")).values())


def no_child(*args, **kwargs):
    raise AssertionError("a child process was started although the verdict is cached")


def test_a_gguf_that_makes_llama_cpp_abort_is_refused_with_a_message(tmp_path):
    bad = aborting_gguf(tmp_path / "bad.gguf")
    with pytest.raises(ModelError) as caught:
        probe_model(bad)
    message = str(caught.value)
    assert f"llama.cpp crashed while loading {bad}" in message
    assert "SIGABRT" in message and "GGML_ASSERT" in message
    assert message.endswith("choose another model")


def test_the_verdict_is_cached_and_a_second_use_starts_no_child(tmp_path, monkeypatch):
    bad = aborting_gguf(tmp_path / "bad.gguf")
    assert not cache_path().exists()
    with pytest.raises(ModelError) as first:
        probe_model(bad)
    [verdict] = cached_verdicts()
    assert verdict == {"ok": False, "message": str(first.value)}

    monkeypatch.setattr(model_probe.subprocess, "run", no_child)
    with pytest.raises(ModelError) as second:
        probe_model(bad)
    assert str(second.value) == str(first.value)


def test_a_changed_file_is_probed_again(tmp_path, monkeypatch):
    model = aborting_gguf(tmp_path / "model.gguf")
    with pytest.raises(ModelError, match="crashed"):
        probe_model(model)
    tensorless_gguf(model)  # the same path, other contents (size and mtime change)
    os.utime(model, ns=(time.time_ns(), time.time_ns() + 10**9))
    with pytest.raises(ModelError, match="could not load"):
        probe_model(model)
    assert len(cached_verdicts()) == 2


def test_a_load_error_names_llama_cpps_reason(tmp_path):
    model = tensorless_gguf(tmp_path / "empty.gguf")
    with pytest.raises(
        ModelError, match=r"could not load model file .*empty\.gguf \(.*token_embd\.weight.*not found\)"
    ):
        probe_model(model)


def test_a_crash_by_another_signal_is_reported_and_cacheable(tmp_path):
    model = tensorless_gguf(tmp_path / "m.gguf")
    verdict = run_probe(model, code="import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    assert not verdict.ok and verdict.cacheable
    assert f"llama.cpp crashed while loading {model} (SIGSEGV)" in verdict.message


def test_a_child_killed_for_memory_is_not_cached(tmp_path):
    model = tensorless_gguf(tmp_path / "m.gguf")
    verdict = run_probe(model, code="import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    assert not verdict.ok and not verdict.cacheable
    assert "SIGKILL" in verdict.message and "memory" in verdict.message


def test_a_child_that_hangs_is_stopped_and_not_cached(tmp_path):
    model = tensorless_gguf(tmp_path / "m.gguf")
    started = time.monotonic()
    verdict = run_probe(model, timeout=1, code="import time; time.sleep(60)")
    assert time.monotonic() - started < 10
    assert not verdict.ok and not verdict.cacheable
    assert f"took more than 1 s to load model file {model}" in verdict.message


def test_a_file_that_is_not_gguf_is_refused_without_a_child(tmp_path, monkeypatch):
    text = tmp_path / "notes.gguf"
    text.write_text("not a model", encoding="utf-8")
    monkeypatch.setattr(model_probe.subprocess, "run", no_child)
    with pytest.raises(NotGGUF, match="not a GGUF model file"):
        probe_model(text)
    assert not cache_path().exists()


def test_a_template_that_never_ends_is_refused_by_the_probe(tmp_path):
    looping = "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}"
    model = tensorless_gguf(tmp_path / "loops.gguf", template=looping)
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"chat template in .*loops\.gguf was stopped"):
        probe_model(model)
    assert time.monotonic() - started < 10


def test_a_damaged_cache_is_ignored(tmp_path):
    cache_path().parent.mkdir(parents=True)
    cache_path().write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="crashed"):
        probe_model(aborting_gguf(tmp_path / "bad.gguf"))
    assert len(cached_verdicts()) == 1


@pytest.mark.slow
def test_the_packaged_default_model_passes_once(model_path, monkeypatch):
    probe_model(model_path)
    assert cached_verdicts() == [{"ok": True, "message": ""}]
    monkeypatch.setattr(model_probe.subprocess, "run", no_child)
    probe_model(model_path)  # cached: no second child


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "cardwriter", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_cli_refuses_the_aborting_model_with_a_message(tmp_path):
    bad = aborting_gguf(tmp_path / "bad.gguf")
    for _ in range(2):  # the second run answers from the cache
        done = run_cli("variants", "--model", str(bad), "some text")
        assert done.returncode == 1
        assert f"llama.cpp crashed while loading {bad} (SIGABRT" in done.stderr
        assert "Traceback" not in done.stderr
    assert cached_verdicts()[0]["ok"] is False


# -- a first decode, and settings llama.cpp asserts on -----------------------------

NAN = float("nan")


def test_a_sound_model_passes_the_decode(tmp_path):
    assert run_probe(tiny_llama_gguf(tmp_path / "tiny.gguf")) == model_probe.Verdict(True)


def test_a_model_that_loads_and_aborts_at_the_first_decode_is_refused(tmp_path):
    model = tiny_llama_gguf(tmp_path / "nan-eps.gguf", layer_norm_rms_eps=NAN)
    verdict = run_probe(model)  # the child alone: the header check in this process is not asked
    assert not verdict.ok and verdict.cacheable
    assert f"llama.cpp crashed on the first test decode with {model} (SIGABRT" in verdict.message
    assert "GGML_ASSERT(eps >= 0.0f)" in verdict.message


def test_a_model_that_decodes_to_nan_is_refused(tmp_path):
    model = tiny_llama_gguf(tmp_path / "nan-rope.gguf", rope_freq_base=NAN)
    verdict = run_probe(model)
    assert not verdict.ok and verdict.cacheable
    assert f"model file {model} computes no numbers (NaN)" in verdict.message


def test_a_nan_epsilon_is_refused_before_any_child(tmp_path, monkeypatch):
    model = tiny_llama_gguf(tmp_path / "nan-eps.gguf", layer_norm_rms_eps=NAN)
    monkeypatch.setattr(model_probe.subprocess, "run", no_child)
    with pytest.raises(UserError, match=r"sets llama\.attention\.layer_norm_rms_epsilon to nan"):
        probe_model(model)


def test_a_header_damaged_with_its_time_kept_is_probed_again(tmp_path, monkeypatch):
    model = tiny_llama_gguf(tmp_path / "tiny.gguf")
    probe_model(model)
    stat = model.stat()
    data = model.read_bytes()
    model.write_bytes(data.replace(b"tiny test model", b"tiny test modeL"))  # same size
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    children = []
    monkeypatch.setattr(model_probe, "run_probe", lambda path, **kw: children.append(path) or model_probe.Verdict(True))
    probe_model(model)
    assert children == [model.resolve()]


def test_the_cli_refuses_a_model_that_would_abort_at_decode(tmp_path):
    model = tiny_llama_gguf(tmp_path / "nan-eps.gguf", layer_norm_rms_eps=NAN)
    done = run_cli("variants", "--raw", "-n", "1", "--max-tokens", "4", "--model", str(model), "a b ab")
    assert done.returncode == 1, done.stderr
    assert "sets llama.attention.layer_norm_rms_epsilon to nan" in done.stderr
    assert "Traceback" not in done.stderr
